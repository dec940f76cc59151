import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { PatronEntity } from '../entities/patron.entity';

export interface PatronSearch {
  agency?: string;
  /** name contains, or barcode starts with */
  q?: string;
  limit: number;
  offset: number;
}

/** Escape LIKE wildcards typed by a user so `50%` searches for "50%". */
export const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Every column, as `pg` returns them (`card_expires_on` already as the YYYY-MM-DD TypeORM hydrated). */
interface PatronRow {
  id: string;
  agency: string;
  barcode: string;
  name: string;
  patron_type: string;
  home_branch: string;
  card_expires_on: string;
  status: string;
  blocks: string[];
  block_details: PatronEntity['blockDetails'];
  pin_hash: string;
  pin_failed_count: number;
  pin_failed_window_start: Date | null;
  pin_changed_at: Date;
  email: string | null;
  phone: string | null;
  created_at: Date;
  updated_at: Date;
}

const PATRON_BY_REF_SQL = `SELECT id, agency, barcode, name, patron_type, home_branch,
    to_char(card_expires_on, 'YYYY-MM-DD') AS card_expires_on, status, blocks, block_details, pin_hash,
    pin_failed_count, pin_failed_window_start, pin_changed_at, email, phone, created_at, updated_at
  FROM patrons WHERE agency = $1 AND barcode = $2`;

function toPatronEntity(row: PatronRow): PatronEntity {
  return Object.assign(new PatronEntity(), {
    id: row.id,
    agency: row.agency,
    barcode: row.barcode,
    name: row.name,
    patronType: row.patron_type,
    homeBranch: row.home_branch,
    cardExpiresOn: row.card_expires_on,
    status: row.status,
    blocks: row.blocks,
    blockDetails: row.block_details,
    pinHash: row.pin_hash,
    pinFailedCount: row.pin_failed_count,
    pinFailedWindowStart: row.pin_failed_window_start,
    pinChangedAt: row.pin_changed_at,
    email: row.email,
    phone: row.phone,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

@Injectable()
export class PatronRepository {
  constructor(@InjectRepository(PatronEntity) private readonly patrons: Repository<PatronEntity>) {}

  /**
   * Insert unless (agency, barcode) is taken; null when it is. ON CONFLICT instead of catching the
   * unique violation: a failed query is logged by TypeORM with its parameters, which include the PIN hash.
   */
  async insertIfAbsent(manager: EntityManager, data: Partial<PatronEntity>): Promise<PatronEntity | null> {
    const repo = manager.getRepository(PatronEntity);
    const result = await repo
      .createQueryBuilder()
      .insert()
      .into(PatronEntity)
      .values(data)
      .orIgnore()
      .returning(['id'])
      .execute();
    const id = (result.raw as { id: string }[])[0]?.id;
    // re-read so defaults and the `date` column come back exactly as stored
    return id ? repo.findOneByOrFail({ id }) : null;
  }

  /**
   * The hot look-up behind get and verify-pin, as one hand-written statement mapped by hand (TypeORM's
   * `findOneBy` rebuilt its SQL on every call).
   */
  async findByRef(agency: string, barcode: string, manager?: EntityManager): Promise<PatronEntity | null> {
    const rows = (await (manager ?? this.patrons.manager).query(PATRON_BY_REF_SQL, [agency, barcode])) as PatronRow[];
    return rows.length > 0 ? toPatronEntity(rows[0]) : null;
  }

  /** Lock the row for an update in the caller's transaction. */
  lockByRef(manager: EntityManager, agency: string, barcode: string): Promise<PatronEntity | null> {
    return manager
      .getRepository(PatronEntity)
      .createQueryBuilder('p')
      .setLock('pessimistic_write')
      .where('p.agency = :agency AND p.barcode = :barcode', { agency, barcode })
      .getOne();
  }

  async update(manager: EntityManager, id: string, changes: Partial<PatronEntity>): Promise<PatronEntity> {
    const repo = manager.getRepository(PatronEntity);
    await repo.update({ id }, changes);
    return repo.findOneByOrFail({ id });
  }

  async search(s: PatronSearch): Promise<[PatronEntity[], number]> {
    const qb = this.patrons.createQueryBuilder('p');
    if (s.agency) qb.andWhere('p.agency = :agency', { agency: s.agency });
    const q = s.q?.trim();
    if (q) {
      qb.andWhere(`(p.name ILIKE :contains ESCAPE '\\' OR p.barcode LIKE :prefix ESCAPE '\\')`, {
        contains: `%${likeEscape(q)}%`,
        prefix: `${likeEscape(q)}%`,
      });
    }
    return qb
      .orderBy('p.name', 'ASC')
      .addOrderBy('p.agency', 'ASC')
      .addOrderBy('p.barcode', 'ASC')
      .take(s.limit)
      .skip(s.offset)
      .getManyAndCount();
  }

  /**
   * Claim one PIN attempt, atomically across replicas: opens a new window if the last one has passed,
   * otherwise counts the attempt, unless the window is already full. Claiming *before* the scrypt check
   * means parallel guesses cannot overshoot the limit. Returns the attempts in the window including
   * this one, or null when throttled.
   */
  async claimPinAttempt(id: string, maxFailures: number, windowSeconds: number): Promise<number | null> {
    // every condition reads the row's own columns (no sub-select), so when two replicas race, the
    // second UPDATE re-evaluates them on the first one's committed version
    const inWindow = `COALESCE(pin_failed_window_start > now() - $3 * interval '1 second', false)`;
    const [rows] = (await this.patrons.query(
      `UPDATE patrons SET
         pin_failed_count = CASE WHEN ${inWindow} THEN pin_failed_count + 1 ELSE 1 END,
         pin_failed_window_start = CASE WHEN ${inWindow} THEN pin_failed_window_start ELSE now() END
       WHERE id = $1 AND NOT (${inWindow} AND pin_failed_count >= $2)
       RETURNING pin_failed_count`,
      [id, maxFailures, windowSeconds],
    )) as [{ pin_failed_count: number }[], number]; // UPDATE ... RETURNING yields [rows, rowCount]
    return rows.length > 0 ? rows[0].pin_failed_count : null;
  }

  /**
   * Claim one PIN attempt for (card, origin) and for the card as a whole in one statement, atomically
   * across replicas, like claimPinAttempt. Returns the attempts in each window including this one; null
   * for the one that is full (the origin's when both are: the card is then not counted).
   */
  async claimPinAttemptFrom(
    id: string,
    origin: string,
    perOrigin: number,
    perCard: number,
    windowSeconds: number,
  ): Promise<{ origin: number | null; card: number | null }> {
    const inWindow = `COALESCE(pin_failed_window_start > now() - $5 * interval '1 second', false)`;
    const rows = (await this.patrons.query(
      `WITH o AS (
         INSERT INTO pin_failures AS f (patron_id, origin, failed_count, window_start, last_failed_at)
         VALUES ($1, $2, 1, now(), now())
         ON CONFLICT (patron_id, origin) DO UPDATE SET
           failed_count = CASE WHEN f.window_start > now() - $5 * interval '1 second' THEN f.failed_count + 1 ELSE 1 END,
           window_start = CASE WHEN f.window_start > now() - $5 * interval '1 second' THEN f.window_start ELSE now() END,
           last_failed_at = now()
         WHERE NOT (f.window_start > now() - $5 * interval '1 second' AND f.failed_count >= $3)
         RETURNING failed_count
       ), c AS (
         UPDATE patrons SET
           pin_failed_count = CASE WHEN ${inWindow} THEN pin_failed_count + 1 ELSE 1 END,
           pin_failed_window_start = CASE WHEN ${inWindow} THEN pin_failed_window_start ELSE now() END
         WHERE id = $1 AND EXISTS (SELECT 1 FROM o) AND NOT (${inWindow} AND pin_failed_count >= $4)
         RETURNING pin_failed_count
       )
       SELECT (SELECT failed_count FROM o) AS origin_count, (SELECT pin_failed_count FROM c) AS card_count`,
      [id, origin, perOrigin, perCard, windowSeconds],
    )) as { origin_count: number | null; card_count: number | null }[];
    return { origin: rows[0]?.origin_count ?? null, card: rows[0]?.card_count ?? null };
  }

  /** A correct PIN from an origin clears that origin's window (and the card-wide one, as before). */
  async resetPinFailuresFrom(id: string, origin: string): Promise<void> {
    await this.patrons.query(
      `WITH o AS (DELETE FROM pin_failures WHERE patron_id = $1 AND origin = $2)
       UPDATE patrons SET pin_failed_count = 0, pin_failed_window_start = NULL WHERE id = $1 AND pin_failed_count > 0`,
      [id, origin],
    );
  }

  /** Per-origin wrong-PIN windows of a card that are still open. */
  async pinFailuresByOrigin(
    id: string,
    windowSeconds: number,
  ): Promise<{ origin: string; failedCount: number; windowStart: Date; lastFailedAt: Date }[]> {
    const rows = (await this.patrons.query(
      `SELECT origin, failed_count, window_start, last_failed_at FROM pin_failures
        WHERE patron_id = $1 AND window_start > now() - $2 * interval '1 second' ORDER BY last_failed_at DESC LIMIT 50`,
      [id, windowSeconds],
    )) as { origin: string; failed_count: number; window_start: Date; last_failed_at: Date }[];
    return rows.map((r) => ({
      origin: r.origin,
      failedCount: r.failed_count,
      windowStart: r.window_start,
      lastFailedAt: r.last_failed_at,
    }));
  }

  /** Staff clearing a card's PIN throttle: every origin and the card-wide window. */
  async clearPinFailures(id: string): Promise<void> {
    await this.patrons.query(
      `WITH o AS (DELETE FROM pin_failures WHERE patron_id = $1)
       UPDATE patrons SET pin_failed_count = 0, pin_failed_window_start = NULL WHERE id = $1`,
      [id],
    );
  }

  /** A correct PIN clears the wrong-PIN window. */
  async resetPinFailures(id: string): Promise<void> {
    await this.patrons.query(
      `UPDATE patrons SET pin_failed_count = 0, pin_failed_window_start = NULL WHERE id = $1 AND pin_failed_count > 0`,
      [id],
    );
  }
}
