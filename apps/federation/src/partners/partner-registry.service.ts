import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DomainError, TtlCache } from '@app/common';
import {
  ErrorCode,
  IssuedPartnerKey,
  IssuePartnerKeyDto,
  ListUnitsDto,
  PartnerAgreementDto,
  PartnerKeyView,
  PartnerView,
  RevokePartnerKeyDto,
  UnitView,
  UpsertPartnerDto,
  UpsertUnitDto,
} from '@app/contracts';
import { FederationEnvDto } from '../config/federation-env.dto';

/** sha-256 of a high-entropy key (like the gateway's API keys): a lookup by hash, no per-request KDF. */
export const hashPartnerKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

export const DEFAULT_AGREEMENT: Required<Omit<PartnerAgreementDto, 'cardPrefix' | 'cardPattern'>> = {
  patronTypesAllowed: [],
  loanDays: 30,
  maxItems: 5,
  lendOurItems: true,
  returnShippingPaidBy: 'borrower',
  whenHomeDown: 'refuse',
  offlineMaxItems: 1,
  recallDays: 7,
};

export interface Partner {
  isil: string;
  name: string;
  aliases: string[];
  branch: string | null;
  active: boolean;
  agreement: PartnerView['agreement'];
  ncip: PartnerView['ncip'] & { outboundKey: string | null };
}

export interface KeyPrincipal {
  keyId: string;
  partner: Partner;
  allowedAgencyIds: string[];
}

interface PartnerRow {
  isil: string;
  name: string;
  aliases: string[];
  branch: string | null;
  active: boolean;
  agreement: Record<string, unknown>;
  ncip: Record<string, unknown>;
  outbound_key: string | null;
  updated_at: Date;
}

interface KeyRow {
  id: string;
  prefix: string;
  label: string | null;
  allowed_agency_ids: string[];
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const keyView = (r: KeyRow): PartnerKeyView => ({
  id: r.id,
  prefix: r.prefix,
  label: r.label,
  allowedAgencyIds: r.allowed_agency_ids,
  createdAt: r.created_at.toISOString(),
  revokedAt: r.revoked_at?.toISOString() ?? null,
  lastUsedAt: r.last_used_at?.toISOString() ?? null,
});

/** Partner agencies, their agreements and NCIP settings, and the keys they call us with. */
@Injectable()
export class PartnerRegistryService {
  private readonly keyCache: TtlCache<string, KeyPrincipal | null>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly env: FederationEnvDto,
  ) {
    this.keyCache = new TtlCache(env.NCIP_KEY_CACHE_TTL_MS, 10_000);
  }

  private toPartner(r: PartnerRow): Partner {
    const n = r.ncip as Partial<Partner['ncip']>;
    return {
      isil: r.isil,
      name: r.name,
      aliases: r.aliases,
      branch: r.branch,
      active: r.active,
      agreement: { ...DEFAULT_AGREEMENT, cardPrefix: null, cardPattern: null, ...(r.agreement as object) },
      ncip: {
        endpoint: n.endpoint ?? null,
        namespaceStyle: n.namespaceStyle ?? 'prefixed',
        timeoutMs: n.timeoutMs ?? 5000,
        retries: n.retries ?? 2,
        hasOutboundKey: !!r.outbound_key,
        outboundKey: r.outbound_key,
      },
    };
  }

  async upsert(dto: UpsertPartnerDto): Promise<PartnerView> {
    if (dto.agreement?.cardPattern) {
      try {
        new RegExp(dto.agreement.cardPattern);
      } catch {
        throw new DomainError(ErrorCode.ValidationFailed, 'agreement.cardPattern is not a valid regular expression', {
          fields: { 'agreement.cardPattern': ['invalid regular expression'] },
        });
      }
    }
    const existing = await this.find(dto.isil);
    const agreement = { ...(existing?.agreement ?? {}), ...(dto.agreement ?? {}) };
    const { outboundKey, ...ncip } = {
      ...(existing
        ? {
            endpoint: existing.ncip.endpoint,
            namespaceStyle: existing.ncip.namespaceStyle,
            timeoutMs: existing.ncip.timeoutMs,
            retries: existing.ncip.retries,
          }
        : {}),
      ...(dto.ncip ?? {}),
    } as Record<string, unknown> & { outboundKey?: string };
    await this.db.query(
      `INSERT INTO federation.partners (isil, name, aliases, branch, active, agreement, ncip, outbound_key, updated_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8, now())
       ON CONFLICT (isil) DO UPDATE SET name = EXCLUDED.name, aliases = EXCLUDED.aliases, branch = EXCLUDED.branch,
         active = EXCLUDED.active, agreement = EXCLUDED.agreement, ncip = EXCLUDED.ncip,
         outbound_key = COALESCE(EXCLUDED.outbound_key, federation.partners.outbound_key), updated_at = now()`,
      [
        dto.isil,
        dto.name,
        dto.aliases ?? existing?.aliases ?? [],
        dto.branch ?? existing?.branch ?? null,
        dto.active ?? existing?.active ?? true,
        agreement,
        ncip,
        outboundKey ?? null,
      ],
    );
    this.keyCache.clear();
    return this.view(dto.isil);
  }

  async find(isil: string): Promise<Partner | null> {
    const rows: PartnerRow[] = await this.db.query(`SELECT * FROM federation.partners WHERE isil = $1`, [isil]);
    return rows[0] ? this.toPartner(rows[0]) : null;
  }

  /** A partner by the AgencyId it sends: its ISIL or one of its aliases (plain institution codes). */
  async findByAgencyId(agencyId: string): Promise<Partner | null> {
    const rows: PartnerRow[] = await this.db.query(
      `SELECT * FROM federation.partners WHERE isil = $1 OR $1 = ANY(aliases) LIMIT 1`,
      [agencyId],
    );
    return rows[0] ? this.toPartner(rows[0]) : null;
  }

  async list(): Promise<PartnerView[]> {
    const rows: PartnerRow[] = await this.db.query(`SELECT * FROM federation.partners ORDER BY isil`);
    return Promise.all(rows.map((r) => this.view(r.isil)));
  }

  async view(isil: string): Promise<PartnerView> {
    const p = await this.find(isil);
    if (!p) throw new DomainError(ErrorCode.AgencyUnknown, `no partner ${isil}`);
    const keys: KeyRow[] = await this.db.query(
      `SELECT * FROM federation.partner_keys WHERE partner = $1 ORDER BY created_at`,
      [isil],
    );
    const rows: PartnerRow[] = await this.db.query(`SELECT updated_at FROM federation.partners WHERE isil = $1`, [
      isil,
    ]);
    const { outboundKey: _hidden, ...ncip } = p.ncip;
    return {
      isil: p.isil,
      name: p.name,
      aliases: p.aliases,
      branch: p.branch,
      active: p.active,
      agreement: p.agreement,
      ncip,
      keys: keys.map(keyView),
      updatedAt: rows[0].updated_at.toISOString(),
    };
  }

  /** A new key (or the given one, for demo data): several may be active at once, so rotation needs no downtime. */
  async issueKey(dto: IssuePartnerKeyDto): Promise<IssuedPartnerKey> {
    const p = await this.find(dto.isil);
    if (!p) throw new DomainError(ErrorCode.AgencyUnknown, `no partner ${dto.isil}`);
    const key = dto.key ?? `ncip_${randomBytes(24).toString('base64url')}`;
    const allowed = dto.allowedAgencyIds?.length ? dto.allowedAgencyIds : [p.isil, ...p.aliases];
    const rows: KeyRow[] = await this.db.query(
      `INSERT INTO federation.partner_keys (partner, key_hash, prefix, label, allowed_agency_ids) VALUES ($1,$2,$3,$4,$5)
       ON CONFLICT (key_hash) DO UPDATE SET revoked_at = NULL, allowed_agency_ids = EXCLUDED.allowed_agency_ids, label = EXCLUDED.label
       WHERE federation.partner_keys.partner = EXCLUDED.partner
       RETURNING *`,
      [p.isil, hashPartnerKey(key), key.slice(0, 8), dto.label ?? null, allowed],
    );
    if (!rows[0]) throw new DomainError(ErrorCode.Conflict, 'that key belongs to another partner');
    this.keyCache.clear();
    return { ...keyView(rows[0]), key };
  }

  async revokeKey(dto: RevokePartnerKeyDto): Promise<PartnerKeyView> {
    const [rows] = (await this.db.query(
      `UPDATE federation.partner_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING *`,
      [dto.id],
    )) as [KeyRow[], number];
    if (!rows[0]) throw new DomainError(ErrorCode.NotFound, `no partner key ${dto.id}`);
    this.keyCache.clear();
    return keyView(rows[0]);
  }

  /** The active key's partner and allowed AgencyIds, or null; cached briefly (hits and misses). */
  async authenticate(key: string): Promise<KeyPrincipal | null> {
    const hash = hashPartnerKey(key);
    const hit = this.keyCache.get(hash);
    if (hit !== undefined) return hit;
    const rows: (KeyRow & { partner: string })[] = await this.db
      .query(
        `UPDATE federation.partner_keys k SET last_used_at = now() FROM federation.partners p
        WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND p.isil = k.partner AND p.active
        RETURNING k.*`,
        [hash],
      )
      .then((r: [(KeyRow & { partner: string })[], number]) => r[0]);
    const principal = rows[0]
      ? {
          keyId: rows[0].id,
          partner: (await this.find(rows[0].partner))!,
          allowedAgencyIds: rows[0].allowed_agency_ids,
        }
      : null;
    this.keyCache.set(hash, principal);
    return principal;
  }

  async upsertUnit(dto: UpsertUnitDto): Promise<UnitView> {
    if (dto.parent === dto.code) throw new DomainError(ErrorCode.ValidationFailed, 'a unit cannot be its own parent');
    if (dto.parent) {
      const parent = await this.db.query(`SELECT 1 FROM federation.units WHERE code = $1`, [dto.parent]);
      if (!parent.length) throw new DomainError(ErrorCode.BranchUnknown, `no unit ${dto.parent}`);
    }
    const rows = await this.db.query(
      `INSERT INTO federation.units (code, agency, name, kind, parent) VALUES ($1,$2,$3,$4,$5)
       ON CONFLICT (code) DO UPDATE SET agency = EXCLUDED.agency, name = EXCLUDED.name, kind = EXCLUDED.kind, parent = EXCLUDED.parent, updated_at = now()
       RETURNING code, agency, name, kind, parent`,
      [dto.code, dto.agency, dto.name, dto.kind, dto.parent ?? null],
    );
    return rows[0] as UnitView;
  }

  listUnits(dto: ListUnitsDto): Promise<UnitView[]> {
    return this.db.query(
      `SELECT code, agency, name, kind, parent FROM federation.units WHERE ($1::text IS NULL OR agency = $1) ORDER BY agency, code`,
      [dto.agency ?? null],
    );
  }
}
