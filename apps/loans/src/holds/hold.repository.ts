import { Injectable } from '@nestjs/common';
import type { HoldEndReason, HoldLevel, HoldListStatus, HoldPlacer, HoldStatus, ItemRef } from '@app/contracts';
import { queryTogether, Statement } from '@app/common';
import { DataSource, EntityManager } from 'typeorm';

/** A row of loans.holds, camel-cased (dates as Date, local dates as 'YYYY-MM-DD'). */
export interface HoldRow {
  id: string;
  patronAgency: string;
  patronBarcode: string;
  patronType: string;
  level: HoldLevel;
  recordId: string;
  itemAgency: string | null;
  itemBarcode: string | null;
  title: string;
  agency: string;
  pickupBranch: string;
  status: HoldStatus;
  priority: number;
  placedBy: HoldPlacer;
  channel: string;
  placedAt: Date;
  notNeededAfter: string | null;
  trappedItemAgency: string | null;
  trappedItemBarcode: string | null;
  trappedHomeBranch: string | null;
  trappedItemType: string | null;
  trappedAt: Date | null;
  readyAt: Date | null;
  pickupDeadline: Date | null;
  shelfClearedAt: Date | null;
  endedAt: Date | null;
  endReason: HoldEndReason | null;
  loanId: string | null;
  /** only filled by list queries */
  queuePosition?: number | null;
}

export const HOLD_COLUMNS = `h.id, h.patron_agency AS "patronAgency", h.patron_barcode AS "patronBarcode", h.patron_type AS "patronType",
  h.level, h.record_id AS "recordId", h.item_agency AS "itemAgency", h.item_barcode AS "itemBarcode", h.title, h.agency,
  h.pickup_branch AS "pickupBranch", h.status, h.priority, h.placed_by AS "placedBy", h.channel, h.placed_at AS "placedAt",
  h.not_needed_after::text AS "notNeededAfter", h.trapped_item_agency AS "trappedItemAgency",
  h.trapped_item_barcode AS "trappedItemBarcode", h.trapped_home_branch AS "trappedHomeBranch",
  h.trapped_item_type AS "trappedItemType", h.trapped_at AS "trappedAt", h.ready_at AS "readyAt",
  h.pickup_deadline AS "pickupDeadline", h.shelf_cleared_at AS "shelfClearedAt", h.ended_at AS "endedAt",
  h.end_reason AS "endReason", h.loan_id AS "loanId"`;

/** 1-based place among the waiting holds of the same title (same order as the trap query). */
const QUEUE_POSITION = `CASE WHEN h.status = 'waiting' THEN 1 + (SELECT count(*)::int FROM loans.holds o
  WHERE o.record_id = h.record_id AND o.status = 'waiting' AND o.agency = h.agency
    AND (o.priority > h.priority OR (o.priority = h.priority AND (o.placed_at, o.id) < (h.placed_at, h.id)))) END AS "queuePosition"`;

/** The queue order everywhere: priority (higher first), then placement time, then id (a stable tie-break). */
const QUEUE_ORDER = `h.priority DESC, h.placed_at, h.id`;

/** The routing probe (lockItemAndProbe): which of routing's look-ups can find anything. */
export interface RoutingProbe {
  shelfMarkers: boolean;
  openTransit: boolean;
  trapped: boolean;
  waiting: boolean;
}

export interface TrapTarget {
  item: ItemRef;
  homeBranch: string;
  itemType: string;
}

/** Raw SQL over loans.holds; every method takes the caller's transaction where it writes. */
@Injectable()
export class HoldRepository {
  constructor(private readonly dataSource: DataSource) {}

  private q(m?: EntityManager) {
    return m ?? this.dataSource.manager;
  }

  /** Serialise everything that decides where one item goes (checkin, checkout, expiry, cancel) for the transaction. */
  async lockItem(m: EntityManager, item: ItemRef): Promise<void> {
    await m.query(...lockItemStatement(item));
  }

  /** Non-blocking variant for the expiry job: another replica (or a checkin) has the item, skip it. */
  async tryLockItem(m: EntityManager, item: ItemRef): Promise<boolean> {
    const [row] = await m.query(`SELECT pg_try_advisory_xact_lock(7001, hashtext($1 || '/' || $2)) AS ok`, [item.agency, item.barcode]);
    return row.ok === true;
  }

  /** Insert; false when the patron already has an active hold on the title (holds_patron_record_active_key). */
  async insertIfNoDuplicate(m: EntityManager, h: HoldRow): Promise<boolean> {
    const rows = await m.query(
      `INSERT INTO loans.holds (id, patron_agency, patron_barcode, patron_type, level, record_id, item_agency, item_barcode, title,
         agency, pickup_branch, status, priority, placed_by, channel, placed_at, not_needed_after,
         trapped_item_agency, trapped_item_barcode, trapped_home_branch, trapped_item_type, trapped_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $17, $12, $13, $14, $15, $16, $18, $19, $20, $21, $22)
       ON CONFLICT (patron_agency, patron_barcode, record_id) WHERE status IN ('waiting','in_transit','ready') DO NOTHING
       RETURNING id`,
      [
        h.id, h.patronAgency, h.patronBarcode, h.patronType, h.level, h.recordId, h.itemAgency, h.itemBarcode, h.title,
        h.agency, h.pickupBranch, h.priority, h.placedBy, h.channel, h.placedAt, h.notNeededAfter,
        h.status, h.trappedItemAgency, h.trappedItemBarcode, h.trappedHomeBranch, h.trappedItemType, h.trappedAt,
      ],
    );
    return rows.length === 1;
  }

  /**
   * For a hold that sets its copy aside at once (O2O): under the copy's lock (the one checkout takes),
   * the refusal a checkout or an earlier set-aside makes it impossible, or null.
   */
  async copyTakenFor(m: EntityManager, item: ItemRef): Promise<'on_loan' | 'set_aside' | null> {
    const [, [row]] = (await queryTogether(m, [
      lockItemStatement(item),
      [
        `SELECT EXISTS (SELECT 1 FROM loans.loans WHERE item_agency = $1 AND item_barcode = $2 AND returned_at IS NULL) AS lent,
                EXISTS (SELECT 1 FROM loans.holds WHERE trapped_item_agency = $1 AND trapped_item_barcode = $2 AND status IN ('in_transit','ready')) AS held`,
        [item.agency, item.barcode],
      ],
    ])) as [unknown, { lent: boolean; held: boolean }[]];
    return row.lent ? 'on_loan' : row.held ? 'set_aside' : null;
  }

  async findById(id: string, m?: EntityManager, lock = false): Promise<HoldRow | null> {
    const rows = await this.q(m).query(`SELECT ${HOLD_COLUMNS}, ${QUEUE_POSITION} FROM loans.holds h WHERE h.id = $1${lock ? ' FOR UPDATE OF h' : ''}`, [id]);
    return rows[0] ?? null;
  }

  /** The hold an item is set aside for (in transit to, or on, a hold shelf), locked. */
  async findTrappedByItem(m: EntityManager, item: ItemRef): Promise<HoldRow | null> {
    const rows = await m.query(
      `SELECT ${HOLD_COLUMNS} FROM loans.holds h
       WHERE h.trapped_item_agency = $1 AND h.trapped_item_barcode = $2 AND h.status IN ('in_transit','ready') FOR UPDATE`,
      [item.agency, item.barcode],
    );
    return rows[0] ?? null;
  }

  /**
   * The first waiting hold this copy can fill: a title-level hold on its record in its agency, or an
   * item-level hold on exactly this copy; not past its not-needed-after date. SKIP LOCKED lets two
   * copies returned at once trap two different holds.
   */
  async firstWaitingFor(m: EntityManager, item: ItemRef, recordId: string, today: string): Promise<HoldRow | null> {
    const rows = await m.query(
      `SELECT ${HOLD_COLUMNS} FROM loans.holds h
       WHERE h.record_id = $3 AND h.status = 'waiting' AND h.agency = $1
         AND (h.level = 'title' OR (h.item_agency = $1 AND h.item_barcode = $2))
         AND (h.not_needed_after IS NULL OR h.not_needed_after >= $4::date)
       ORDER BY ${QUEUE_ORDER} LIMIT 1 FOR UPDATE SKIP LOCKED`,
      [item.agency, item.barcode, recordId, today],
    );
    return rows[0] ?? null;
  }

  /** Trap for a hold: to the shelf here (ready, with a deadline) or on the way to the pickup branch. */
  async trap(m: EntityManager, id: string, t: TrapTarget, at: Date, pickupDeadline: Date | null): Promise<void> {
    await m.query(
      `UPDATE loans.holds SET status = $2, trapped_item_agency = $3, trapped_item_barcode = $4, trapped_home_branch = $5,
         trapped_item_type = $6, trapped_at = $7, ready_at = $8, pickup_deadline = $9, updated_at = $7
       WHERE id = $1`,
      [id, pickupDeadline ? 'ready' : 'in_transit', t.item.agency, t.item.barcode, t.homeBranch, t.itemType, at, pickupDeadline ? at : null, pickupDeadline],
    );
  }

  async markReady(m: EntityManager, id: string, at: Date, pickupDeadline: Date): Promise<void> {
    await m.query(`UPDATE loans.holds SET status = 'ready', ready_at = $2, pickup_deadline = $3, updated_at = $2 WHERE id = $1`, [id, at, pickupDeadline]);
  }

  /** A trapped copy that must move again (it turned up away from the pickup branch). */
  async markInTransit(m: EntityManager, id: string, at: Date): Promise<void> {
    await m.query(`UPDATE loans.holds SET status = 'in_transit', ready_at = NULL, pickup_deadline = NULL, updated_at = $2 WHERE id = $1`, [id, at]);
  }

  /**
   * End a hold. `onShelf`: it ended while its copy sat on the hold shelf, so the shelf list shows a
   * "pull" entry until the copy is scanned again.
   */
  async end(m: EntityManager, id: string, status: 'fulfilled' | 'cancelled' | 'expired', reason: HoldEndReason, at: Date, onShelf: boolean, loanId?: string): Promise<void> {
    await m.query(
      `UPDATE loans.holds SET status = $2, end_reason = $3, ended_at = $4::timestamptz, updated_at = $4::timestamptz,
         shelf_cleared_at = CASE WHEN $5::boolean THEN NULL ELSE $4::timestamptz END, loan_id = COALESCE($6::uuid, loan_id)
       WHERE id = $1`,
      [id, status, reason, at, onShelf, loanId ?? null],
    );
  }

  async markShelfCleared(m: EntityManager, id: string, at: Date): Promise<void> {
    await m.query(`UPDATE loans.holds SET shelf_cleared_at = $2 WHERE id = $1`, [id, at]);
  }

  /** The copy was scanned or lent: it is no longer sitting on a hold shelf for an ended hold. */
  async clearShelfMarkers(m: EntityManager, item: ItemRef, at: Date): Promise<void> {
    await m.query(
      `UPDATE loans.holds SET shelf_cleared_at = $3
       WHERE trapped_item_agency = $1 AND trapped_item_barcode = $2 AND shelf_cleared_at IS NULL AND status IN ('expired','cancelled')`,
      [item.agency, item.barcode, at],
    );
  }

  /**
   * `first` (the loan INSERT), then lockItem, then the copy's holds under the lock
   * (forCheckoutStatement): statements for one queryTogether; each runs after the one before, so the
   * read gets its snapshot after the lock. Their rows: [first's, the lock's, the holds].
   */
  checkoutStatements(first: Statement, item: ItemRef, recordId: string | null, patron: ItemRef, at: Date): Statement[] {
    return [first, lockItemStatement(item), forCheckoutStatement(item, recordId, patron, at)];
  }

  /** lockItem, then the routing probe (routingProbeStatement) under the lock, in one round trip (the probe gets its snapshot after the lock). */
  /**
   * lockItem and the routing probe for a copy whose loan the caller's transaction closes with
   * closeOpenLoanStatement (routingProbeAfterReturnStatement): statements to send right after that
   * UPDATE in one round trip; `probeFrom` reads their rows.
   */
  lockItemAndProbeAfterReturnStatements(item: ItemRef, today: string): Statement[] {
    return [lockItemStatement(item), routingProbeAfterReturnStatement(item, today)];
  }

  probeFrom([, probeRows]: unknown[][]): RoutingProbe {
    return probeRows[0] as RoutingProbe;
  }

  async lockItemAndProbe(m: EntityManager, item: ItemRef, recordId: string | null, today: string): Promise<RoutingProbe> {
    const [, rows] = await queryTogether(m, [lockItemStatement(item), routingProbeStatement(item, recordId, today)]);
    return rows[0] as RoutingProbe;
  }

  /**
   * Whether someone other than `patron` waits for the title (same agency) of the copy's open loan, or
   * for this very copy: renewal is refused then. A statement to send after the loan's lock in the same
   * round trip (it gets its snapshot after the lock); one row, `waiting`. The title comes from the open
   * loan row (null record_id: loans made before titles were kept match copy-level holds only).
   */
  othersWaitingForOpenLoanStatement(item: ItemRef, patron: ItemRef, today: string): Statement {
    return [
      `SELECT EXISTS (SELECT 1 FROM loans.holds h
         WHERE h.status = 'waiting' AND NOT (h.patron_agency = $3 AND h.patron_barcode = $4)
           AND (h.not_needed_after IS NULL OR h.not_needed_after >= $5::date)
           AND ((h.agency = $1 AND (h.level = 'title' OR (h.item_agency = $1 AND h.item_barcode = $2))
                 AND h.record_id = (SELECT l.record_id FROM loans.loans l
                                    WHERE l.item_agency = $1 AND l.item_barcode = $2 AND l.returned_at IS NULL))
                OR (h.item_agency = $1 AND h.item_barcode = $2))) AS waiting`,
      [item.agency, item.barcode, patron.agency, patron.barcode, today],
    ];
  }

  /** Whether the patron has this copy, or any copy of the title, out on loan now. */
  async patronHasLoan(m: EntityManager, patron: ItemRef, recordId: string, item: ItemRef | null): Promise<boolean> {
    const [row] = await m.query(
      `SELECT EXISTS (SELECT 1 FROM loans.loans l
         WHERE l.patron_agency = $1 AND l.patron_barcode = $2 AND l.returned_at IS NULL
           AND (l.record_id = $3 OR (l.item_agency = $4 AND l.item_barcode = $5))) AS has`,
      [patron.agency, patron.barcode, recordId, item?.agency ?? null, item?.barcode ?? null],
    );
    return row.has === true;
  }

  /** Default priority for a patron type (0 when no rule). */
  async priorityFor(patronType: string): Promise<number> {
    const rows = await this.dataSource.query(`SELECT priority FROM loans.hold_priority_rules WHERE patron_type = $1`, [patronType]);
    return rows[0]?.priority ?? 0;
  }

  /** Active holds of a patron (holds_patron_record_active_key). */
  async countActiveForPatron(patron: ItemRef): Promise<number> {
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM loans.holds WHERE patron_agency = $1 AND patron_barcode = $2 AND status IN ('waiting','in_transit','ready')`,
      [patron.agency, patron.barcode],
    );
    return row.n;
  }

  async list(
    where: { patron?: ItemRef; recordId?: string; item?: ItemRef; itemRecordId?: string | null },
    status: HoldListStatus,
    limit: number,
    offset: number,
  ): Promise<[HoldRow[], number]> {
    const params: unknown[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    const conds: string[] = [];
    if (where.patron) conds.push(`h.patron_agency = ${p(where.patron.agency)} AND h.patron_barcode = ${p(where.patron.barcode)}`);
    if (where.recordId) conds.push(`h.record_id = ${p(where.recordId)}`);
    if (where.item) {
      const a = p(where.item.agency);
      const b = p(where.item.barcode);
      const sameItem = `(h.item_agency = ${a} AND h.item_barcode = ${b}) OR (h.trapped_item_agency = ${a} AND h.trapped_item_barcode = ${b})`;
      conds.push(where.itemRecordId ? `(${sameItem} OR (h.level = 'title' AND h.agency = ${a} AND h.record_id = ${p(where.itemRecordId)}))` : `(${sameItem})`);
    }
    if (status === 'active') conds.push(`h.status IN ('waiting','in_transit','ready')`);
    if (status === 'ended') conds.push(`h.status IN ('fulfilled','cancelled','expired')`);
    const whereSql = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
    // a patron's list: newest first; a title's or item's list: queue order
    const order = where.patron ? 'h.placed_at DESC, h.id DESC' : `(h.status = 'waiting'), ${QUEUE_ORDER}`;
    const [{ n }] = await this.dataSource.query(`SELECT count(*)::int AS n FROM loans.holds h ${whereSql}`, params);
    const rows = await this.dataSource.query(
      `SELECT ${HOLD_COLUMNS}, ${QUEUE_POSITION} FROM loans.holds h ${whereSql} ORDER BY ${order} LIMIT ${p(limit)} OFFSET ${p(offset)}`,
      params,
    );
    return [rows, n];
  }

  /** The hold shelf of a branch: ready holds (deadline order), then ended holds whose copy still sits there. */
  async shelf(branch: string, limit: number, offset: number): Promise<[HoldRow[], number]> {
    const from = `FROM loans.holds h WHERE h.pickup_branch = $1 AND (h.status = 'ready'
      OR (h.shelf_cleared_at IS NULL AND h.status IN ('expired','cancelled') AND h.trapped_item_barcode IS NOT NULL))`;
    const [{ n }] = await this.dataSource.query(`SELECT count(*)::int AS n ${from}`, [branch]);
    const rows = await this.dataSource.query(
      `SELECT ${HOLD_COLUMNS} ${from} ORDER BY (h.status = 'ready'), h.pickup_deadline, h.id LIMIT $2 OFFSET $3`,
      [branch, limit, offset],
    );
    return [rows, n];
  }

  /** Titles with waiting holds in an agency, oldest first (the pick list walks them page by page). */
  async titlesWaiting(agency: string, today: string, limit: number, offset: number): Promise<string[]> {
    const rows = await this.dataSource.query(
      `SELECT record_id AS "recordId" FROM loans.holds
       WHERE status = 'waiting' AND agency = $1 AND (not_needed_after IS NULL OR not_needed_after >= $2::date)
       GROUP BY record_id ORDER BY min(placed_at), record_id LIMIT $3 OFFSET $4`,
      [agency, today, limit, offset],
    );
    return rows.map((r: { recordId: string }) => r.recordId);
  }

  /** Waiting holds of these titles in queue order. */
  async waitingForTitles(agency: string, recordIds: string[], today: string): Promise<HoldRow[]> {
    if (recordIds.length === 0) return [];
    return this.dataSource.query(
      `SELECT ${HOLD_COLUMNS} FROM loans.holds h
       WHERE h.record_id = ANY($2::uuid[]) AND h.status = 'waiting' AND h.agency = $1
         AND (h.not_needed_after IS NULL OR h.not_needed_after >= $3::date)
       ORDER BY h.record_id, ${QUEUE_ORDER}`,
      [agency, recordIds, today],
    );
  }

  /** Copies that cannot be pulled for a hold: out on loan, already set aside, or travelling. */
  async unavailableAmong(items: ItemRef[]): Promise<Set<string>> {
    if (items.length === 0) return new Set();
    const agencies = items.map((i) => i.agency);
    const barcodes = items.map((i) => i.barcode);
    const rows: { k: string }[] = await this.dataSource.query(
      `WITH wanted AS (SELECT * FROM unnest($1::text[], $2::text[]) AS w(agency, barcode))
       SELECT w.agency || '/' || w.barcode AS k FROM wanted w WHERE
         EXISTS (SELECT 1 FROM loans.loans l WHERE l.item_agency = w.agency AND l.item_barcode = w.barcode AND l.returned_at IS NULL)
         OR EXISTS (SELECT 1 FROM loans.holds h WHERE h.trapped_item_agency = w.agency AND h.trapped_item_barcode = w.barcode AND h.status IN ('in_transit','ready'))
         OR EXISTS (SELECT 1 FROM loans.transits t WHERE t.item_agency = w.agency AND t.item_barcode = w.barcode AND t.status = 'open')`,
      [agencies, barcodes],
    );
    return new Set(rows.map((r) => r.k));
  }

  /** Waiting holds past their not-needed-after date, locked (SKIP LOCKED: replicas share the work). */
  async claimNotNeeded(m: EntityManager, today: string, limit: number): Promise<HoldRow[]> {
    return m.query(
      `SELECT ${HOLD_COLUMNS} FROM loans.holds h
       WHERE h.status = 'waiting' AND h.not_needed_after < $1::date
       ORDER BY h.not_needed_after LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [today, limit],
    );
  }

  /** Ready holds past their pickup deadline (not locked: the job locks each item, then the row). */
  async pickupExpiredCandidates(now: Date, limit: number): Promise<HoldRow[]> {
    return this.dataSource.query(
      `SELECT ${HOLD_COLUMNS} FROM loans.holds h WHERE h.status = 'ready' AND h.pickup_deadline < $1 ORDER BY h.pickup_deadline LIMIT $2`,
      [now, limit],
    );
  }
}

// two-int key space: never collides with the single-bigint patron locks of LoanRepository
const lockItemStatement = (item: ItemRef): Statement => [`SELECT pg_advisory_xact_lock(7001, hashtext($1 || '/' || $2))`, [item.agency, item.barcode]];

/**
 * At checkout (the loan row already carries its record_id): the hold trapped for this copy (whoever it
 * is for), or this patron's own waiting hold that the copy fills, locked (at most two rows); and, as the
 * copy is lent, not travelling, any open transit of it ends and it comes off any shelf "pull" list.
 * Those two updates touch no row the select returns (other statuses); a refusal rolls them back with
 * the checkout.
 */
const forCheckoutStatement = (item: ItemRef, recordId: string | null, patron: ItemRef, at: Date): Statement => [
  `WITH t AS (UPDATE loans.transits SET status = 'cancelled' WHERE item_agency = $1 AND item_barcode = $2 AND status = 'open' RETURNING id),
            c AS (UPDATE loans.holds SET shelf_cleared_at = $6
                  WHERE trapped_item_agency = $1 AND trapped_item_barcode = $2 AND shelf_cleared_at IS NULL AND status IN ('expired','cancelled') RETURNING id)
       SELECT ${HOLD_COLUMNS} FROM loans.holds h
       WHERE (h.trapped_item_agency = $1 AND h.trapped_item_barcode = $2 AND h.status IN ('in_transit','ready'))
          OR (h.patron_agency = $3 AND h.patron_barcode = $4 AND h.record_id = $5 AND h.status = 'waiting'
              AND ((h.level = 'title' AND h.agency = $1) OR (h.item_agency = $1 AND h.item_barcode = $2)))
       FOR UPDATE OF h`,
  [item.agency, item.barcode, patron.agency, patron.barcode, recordId, at],
];

/**
 * What routing a scanned copy could have to do, in one statement (run under lockItem, so nothing that
 * routing writes can change between this and the look-ups it spares): shelf "pull" markers to clear, an
 * open transit, a hold it is set aside for, a waiting hold it could fill (the same condition as
 * firstWaitingFor; `recordId` null: none looked for). The common return (none of these) then costs this
 * statement instead of four.
 */
const routingProbeStatement = (item: ItemRef, recordId: string | null, today: string): Statement => [
  routingProbeSql('$3::uuid'),
  [item.agency, item.barcode, recordId, today],
];

/**
 * routingProbeStatement for a copy whose loan this transaction has just closed with
 * closeOpenLoanStatement, sent in the same round trip: the title is not known when the statements are
 * written, so the UPDATE leaves it in a transaction-local setting (`loans.closed_record`) that this
 * reads (the closed loan is no longer in the open-loan index, and no other index finds it by item).
 */
const routingProbeAfterReturnStatement = (item: ItemRef, today: string): Statement => [
  routingProbeSql(`nullif(current_setting('loans.closed_record', true), '')::uuid`, '$3'),
  [item.agency, item.barcode, today],
];

function routingProbeSql(record: string, today = '$4'): string {
  return `SELECT
         EXISTS (SELECT 1 FROM loans.holds h WHERE h.trapped_item_agency = $1 AND h.trapped_item_barcode = $2
                   AND h.shelf_cleared_at IS NULL AND h.status IN ('expired','cancelled')) AS "shelfMarkers",
         EXISTS (SELECT 1 FROM loans.transits t WHERE t.item_agency = $1 AND t.item_barcode = $2 AND t.status = 'open') AS "openTransit",
         EXISTS (SELECT 1 FROM loans.holds h WHERE h.trapped_item_agency = $1 AND h.trapped_item_barcode = $2
                   AND h.status IN ('in_transit','ready')) AS "trapped",
         (${record} IS NOT NULL AND EXISTS (SELECT 1 FROM loans.holds h
           WHERE h.record_id = ${record} AND h.status = 'waiting' AND h.agency = $1
             AND (h.level = 'title' OR (h.item_agency = $1 AND h.item_barcode = $2))
             AND (h.not_needed_after IS NULL OR h.not_needed_after >= ${today}::date))) AS "waiting"`;
}
