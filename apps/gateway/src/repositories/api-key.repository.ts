import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, IsNull, Repository } from 'typeorm';
import { ApiKeyEntity } from '../entities/api-key.entity';

/** Fixed id of the key seeded from BOOTSTRAP_API_KEY, so the boot-time upsert is one idempotent statement. */
export const BOOTSTRAP_KEY_ID = '00000000-0000-4000-8000-000000000001';
export const BOOTSTRAP_KEY_NAME = 'bootstrap';

export type ActiveKey = Pick<ApiKeyEntity, 'id' | 'name' | 'role' | 'locker'>;

@Injectable()
export class ApiKeyRepository {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
  ) {}

  /** The active key with this hash, marking it used in the same round trip (runs once per cache period). */
  async touchActive(keyHash: string): Promise<ActiveKey | null> {
    const [rows] = (await this.dataSource.query(
      `UPDATE gateway.api_keys SET last_used_at = now() WHERE key_hash = $1 AND revoked_at IS NULL RETURNING id, name, role, locker`,
      [keyHash],
    )) as [ActiveKey[], number];
    return rows[0] ?? null;
  }

  insert(
    k: Pick<ApiKeyEntity, 'name' | 'role' | 'prefix' | 'keyHash'> & { locker?: string | null },
  ): Promise<ApiKeyEntity> {
    return this.keys.save(this.keys.create({ ...k, locker: k.locker ?? null, lastUsedAt: null, revokedAt: null }));
  }

  /** Install a device key with a given value (provisioning, demo seed): same name → replaced. */
  async upsertDevice(name: string, locker: string, keyHash: string, prefix: string): Promise<string> {
    return this.dataSource.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('gateway.device-key/' || $1))`, [name]);
      const [existing] = (await m.query(
        `SELECT id FROM gateway.api_keys WHERE name = $1 AND role = 'device' AND revoked_at IS NULL`,
        [name],
      )) as { id: string }[];
      if (existing) {
        await m.query(`UPDATE gateway.api_keys SET locker = $2, key_hash = $3, prefix = $4 WHERE id = $1`, [
          existing.id,
          locker,
          keyHash,
          prefix,
        ]);
        return existing.id;
      }
      const [row] = (await m.query(
        `INSERT INTO gateway.api_keys (name, role, locker, prefix, key_hash) VALUES ($1, 'device', $2, $3, $4)
         ON CONFLICT (key_hash) DO UPDATE SET locker = EXCLUDED.locker RETURNING id`,
        [name, locker, prefix, keyHash],
      )) as { id: string }[];
      return row.id;
    });
  }

  list(): Promise<ApiKeyEntity[]> {
    return this.keys.find({ order: { createdAt: 'ASC' } });
  }

  findById(id: string): Promise<ApiKeyEntity | null> {
    return this.keys.findOneBy({ id });
  }

  /**
   * Revoke a key unless it is the last active ops key (that would lock everyone out of key management).
   * Returns the row, 'not-found' or 'last-ops'. Ops rows are locked so two concurrent revocations cannot
   * both pass the check.
   */
  revoke(id: string): Promise<ApiKeyEntity | 'not-found' | 'last-ops'> {
    return this.dataSource.transaction(async (m) => {
      const repo = m.getRepository(ApiKeyEntity);
      const activeOps = await repo.find({
        where: { role: 'ops', revokedAt: IsNull() },
        lock: { mode: 'pessimistic_write' },
      });
      const key = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!key) return 'not-found';
      if (key.revokedAt) return key; // idempotent
      if (key.role === 'ops' && activeOps.length <= 1) return 'last-ops';
      key.revokedAt = new Date();
      return repo.save(key);
    });
  }

  /**
   * Upsert the env-configured bootstrap key. A changed secret replaces the old one (and un-revokes);
   * the same secret stays revoked if an operator revoked it. Returns the resulting row.
   */
  async upsertBootstrap(keyHash: string, prefix: string): Promise<{ revoked: boolean }> {
    const [row] = (await this.dataSource.query(
      `INSERT INTO gateway.api_keys AS k (id, name, role, prefix, key_hash) VALUES ($1, $2, 'ops', $3, $4)
       ON CONFLICT (id) DO UPDATE SET
         role = 'ops',
         revoked_at = CASE WHEN k.key_hash = EXCLUDED.key_hash THEN k.revoked_at ELSE NULL END,
         prefix = EXCLUDED.prefix,
         key_hash = EXCLUDED.key_hash
       RETURNING revoked_at`,
      [BOOTSTRAP_KEY_ID, BOOTSTRAP_KEY_NAME, prefix, keyHash],
    )) as { revoked_at: Date | null }[];
    return { revoked: row.revoked_at !== null };
  }

  /**
   * Insert a first key only if the table is empty. An advisory lock serialises replicas booting
   * together, so exactly one of them creates (and prints) it.
   */
  insertIfNoKeys(k: Pick<ApiKeyEntity, 'name' | 'role' | 'prefix' | 'keyHash'>): Promise<boolean> {
    return this.dataSource.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('gateway.api_keys.first'))`);
      const [{ n }] = (await m.query(`SELECT count(*)::int AS n FROM gateway.api_keys`)) as { n: number }[];
      if (n > 0) return false;
      await m.getRepository(ApiKeyEntity).insert({ ...k, lastUsedAt: null, revokedAt: null });
      return true;
    });
  }
}
