import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '@app/common';
import { ActOnIllRequestDto, ErrorCode, IllRequestView, IllState, ListIllRequestsDto, Page } from '@app/contracts';

/**
 * Which state may follow which. Borrowing: requested → supplier_confirmed → shipped (by the lender) →
 * received → ready → loaned → returned → shipped_home → completed. Lending: requested → supplier_confirmed
 * (hold placed) → shipped (checked out to the partner) → returned → completed. Cancelled / not supplied /
 * try next partner end a request early; recalled marks a copy the owner wants back (its loan is shortened).
 */
const NEXT: Record<IllState, IllState[]> = {
  requested: ['supplier_confirmed', 'shipped', 'received', 'cancelled', 'not_supplied', 'try_next_partner'],
  supplier_confirmed: ['shipped', 'received', 'cancelled', 'not_supplied'],
  shipped: ['received', 'loaned', 'returned', 'cancelled', 'recalled'],
  received: ['ready', 'loaned', 'returned', 'shipped_home', 'cancelled', 'recalled'],
  ready: ['loaned', 'returned', 'shipped_home', 'cancelled', 'recalled'],
  loaned: ['returned', 'recalled', 'loaned'],
  recalled: ['returned', 'shipped_home', 'completed'],
  returned: ['shipped_home', 'completed'],
  shipped_home: ['completed'],
  completed: [],
  cancelled: [],
  not_supplied: [],
  try_next_partner: [],
};

export const ACTION_STATE: Record<ActOnIllRequestDto['action'], IllState> = {
  confirm: 'supplier_confirmed',
  ship: 'shipped',
  receive: 'received',
  ready: 'ready',
  return: 'returned',
  ship_home: 'shipped_home',
  complete: 'completed',
  cancel: 'cancelled',
  not_supplied: 'not_supplied',
  try_next_partner: 'try_next_partner',
  renew: 'loaned',
  recall: 'recalled',
};

export interface NewIllRequest {
  direction: 'borrowing' | 'lending';
  partner: string;
  partnerRequestId: string | null;
  patron?: { agency: string | null; barcode: string } | null;
  item?: { agency: string; barcode: string } | null;
  recordId?: string | null;
  title?: string | null;
  holdId?: string | null;
  state?: IllState;
}

/** Interlibrary requests as a state machine; every transition is stored with who and why. */
@Injectable()
export class IllRequestService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async create(r: NewIllRequest, actor: string, reason: string): Promise<IllRequestView> {
    return this.db.transaction(async (m) => {
      const [row] = await m.query(
        `INSERT INTO federation.ill_requests (direction, partner, partner_request_id, state, patron_agency, patron_barcode, item_agency, item_barcode, record_id, title, hold_id)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING id`,
        [
          r.direction,
          r.partner,
          r.partnerRequestId,
          r.state ?? 'requested',
          r.patron?.agency ?? null,
          r.patron?.barcode ?? null,
          r.item?.agency ?? null,
          r.item?.barcode ?? null,
          r.recordId ?? null,
          r.title ?? null,
          r.holdId ?? null,
        ],
      );
      await m.query(
        `INSERT INTO federation.ill_transitions (request_id, from_state, to_state, actor, reason) VALUES ($1, NULL, $2, $3, $4)`,
        [row.id, r.state ?? 'requested', actor, reason],
      );
      return this.getWith(m, row.id as string);
    });
  }

  async findByPartnerRef(
    partner: string,
    direction: 'borrowing' | 'lending',
    partnerRequestId: string,
  ): Promise<IllRequestView | null> {
    const rows = await this.db.query(
      `SELECT id FROM federation.ill_requests WHERE partner = $1 AND direction = $2 AND partner_request_id = $3`,
      [partner, direction, partnerRequestId],
    );
    return rows[0] ? this.get(rows[0].id) : null;
  }

  /** The open request (not ended) about an item, newest first. */
  async findOpenByItem(agency: string, barcode: string): Promise<IllRequestView | null> {
    const rows = await this.db.query(
      `SELECT id FROM federation.ill_requests WHERE item_agency = $1 AND item_barcode = $2 AND state NOT IN ('completed','cancelled','not_supplied','try_next_partner')
       ORDER BY created_at DESC LIMIT 1`,
      [agency, barcode],
    );
    return rows[0] ? this.get(rows[0].id) : null;
  }

  /** Move a request to `to` (a no-op when it is already there); refuses transitions the machine does not allow. */
  async transition(
    id: string,
    to: IllState,
    actor: string,
    reason: string | null,
    patch: {
      item?: { agency: string; barcode: string };
      holdId?: string | null;
      dueAt?: string | null;
      recordId?: string;
    } = {},
  ): Promise<IllRequestView> {
    return this.db.transaction(async (m) => {
      const [row] = await m.query(`SELECT state FROM federation.ill_requests WHERE id = $1 FOR UPDATE`, [id]);
      if (!row) throw new DomainError(ErrorCode.NotFound, `no interlibrary request ${id}`);
      const from = row.state as IllState;
      const same = from === to && to !== 'loaned';
      if (!same && !NEXT[from].includes(to))
        throw new DomainError(ErrorCode.Conflict, `an interlibrary request in state ${from} cannot become ${to}`, {
          from,
          to,
        });
      await m.query(
        `UPDATE federation.ill_requests SET state = $2, updated_at = now(),
           item_agency = COALESCE($3, item_agency), item_barcode = COALESCE($4, item_barcode),
           hold_id = COALESCE($5::uuid, hold_id), due_at = COALESCE($6::timestamptz, due_at), record_id = COALESCE($7::uuid, record_id)
         WHERE id = $1`,
        [
          id,
          to,
          patch.item?.agency ?? null,
          patch.item?.barcode ?? null,
          patch.holdId ?? null,
          patch.dueAt ?? null,
          patch.recordId ?? null,
        ],
      );
      // staying in the same state only records the new details (a hold id, a due date), not a transition
      if (!same)
        await m.query(
          `INSERT INTO federation.ill_transitions (request_id, from_state, to_state, actor, reason) VALUES ($1,$2,$3,$4,$5)`,
          [id, from, to, actor, reason],
        );
      return this.getWith(m, id);
    });
  }

  act(dto: ActOnIllRequestDto): Promise<IllRequestView> {
    return this.transition(dto.id, ACTION_STATE[dto.action], dto.actor ?? 'staff', dto.reason ?? null);
  }

  get(id: string): Promise<IllRequestView> {
    return this.getWith(this.db.manager, id);
  }

  private async getWith(m: EntityManager, id: string): Promise<IllRequestView> {
    const [r] = await m.query(`SELECT * FROM federation.ill_requests WHERE id = $1`, [id]);
    if (!r) throw new DomainError(ErrorCode.NotFound, `no interlibrary request ${id}`);
    const t = await m.query(
      `SELECT from_state, to_state, actor, reason, at FROM federation.ill_transitions WHERE request_id = $1 ORDER BY id`,
      [id],
    );
    return {
      ...view(r),
      transitions: (
        t as { from_state: string | null; to_state: string; actor: string; reason: string | null; at: Date }[]
      ).map((x) => ({ from: x.from_state, to: x.to_state, actor: x.actor, reason: x.reason, at: x.at.toISOString() })),
    };
  }

  async list(q: ListIllRequestsDto): Promise<Page<IllRequestView>> {
    const limit = q.limit ?? 50;
    const offset = q.offset ?? 0;
    const params = [q.state ?? null, q.direction ?? null, q.partner ?? null];
    const where = `($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR direction = $2) AND ($3::text IS NULL OR partner = $3)`;
    const rows = await this.db.query(
      `SELECT * FROM federation.ill_requests WHERE ${where} ORDER BY updated_at DESC, id LIMIT ${limit} OFFSET ${offset}`,
      params,
    );
    const [{ n }] = await this.db.query(
      `SELECT count(*)::int AS n FROM federation.ill_requests WHERE ${where}`,
      params,
    );
    return { items: rows.map(view), total: n, limit, offset };
  }
}

interface RequestRow {
  id: string;
  direction: IllRequestView['direction'];
  partner: string;
  partner_request_id: string | null;
  state: IllState;
  patron_agency: string | null;
  patron_barcode: string | null;
  item_agency: string;
  item_barcode: string | null;
  title: string | null;
  hold_id: string | null;
  due_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

function view(r: RequestRow): IllRequestView {
  return {
    id: r.id,
    direction: r.direction,
    partner: r.partner,
    partnerRequestId: r.partner_request_id,
    state: r.state,
    patron: r.patron_barcode ? { agency: r.patron_agency, barcode: r.patron_barcode } : null,
    item: r.item_barcode ? { agency: r.item_agency, barcode: r.item_barcode } : null,
    title: r.title,
    holdId: r.hold_id,
    dueAt: r.due_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}
