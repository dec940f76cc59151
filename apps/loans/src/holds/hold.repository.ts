import { Injectable } from '@nestjs/common';
import type { HoldEndReason, HoldLevel, HoldPlacer, HoldStatus, ItemRef } from '@app/contracts';
import { col, effect, type PlanStep, rowShape, runPlan, type RowOf, rows as parse, Statement, step } from '@app/common';
import { closedLoanRecord, openLoanRecord } from '../shared/loan.repository';
import { DataSource, EntityManager } from 'typeorm';

/** loans.holds, declared once: the select list (HOLD_COLUMNS) and the row type (HoldRow) come from it. */
const HOLD_ROW = rowShape({
  id: col<string>(),
  patronAgency: col<string>(),
  patronBarcode: col<string>(),
  patronType: col<string>(),
  level: col<HoldLevel>(),
  recordId: col<string>(),
  itemAgency: col<string | null>(),
  itemBarcode: col<string | null>(),
  title: col<string>(),
  agency: col<string>(),
  pickupBranch: col<string>(),
  status: col<HoldStatus>(),
  priority: col<number>(),
  placedBy: col<HoldPlacer>(),
  channel: col<string>(),
  placedAt: col<Date>(),
  notNeededAfter: col<string | null>({ asText: true }),
  trappedItemAgency: col<string | null>(),
  trappedItemBarcode: col<string | null>(),
  trappedHomeBranch: col<string | null>(),
  trappedItemType: col<string | null>(),
  trappedAt: col<Date | null>(),
  readyAt: col<Date | null>(),
  pickupDeadline: col<Date | null>(),
  shelfClearedAt: col<Date | null>(),
  endedAt: col<Date | null>(),
  endReason: col<HoldEndReason | null>(),
  loanId: col<string | null>(),
});

/** A row of loans.holds, camel-cased (dates as Date, local dates as 'YYYY-MM-DD'). */
export type HoldRow = RowOf<typeof HOLD_ROW> & {
  /** only filled by list queries */
  queuePosition?: number | null;
};

export const HOLD_COLUMNS = HOLD_ROW.select('h');

/** 1-based place among the waiting holds of the same title (same order as the trap query). */
export const QUEUE_POSITION = `CASE WHEN h.status = 'waiting' THEN 1 + (SELECT count(*)::int FROM loans.holds o
  WHERE o.record_id = h.record_id AND o.status = 'waiting' AND o.agency = h.agency
    AND (o.priority > h.priority OR (o.priority = h.priority AND (o.placed_at, o.id) < (h.placed_at, h.id)))) END AS "queuePosition"`;

/** The queue order everywhere: priority (higher first), then placement time, then id (a stable tie-break). */
export const QUEUE_ORDER = `h.priority DESC, h.placed_at, h.id`;

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

/**
 * Raw SQL over loans.holds for holds as they move (place, trap, ready, end) and the item locks around
 * them; every method takes the caller's transaction where it writes. Lists, shelf and pick-list reads
 * are HoldListRepository's; the circulation round trips' steps are the `*Step` functions below.
 */
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
    const [row] = await m.query(`SELECT pg_try_advisory_xact_lock(7001, hashtext($1 || '/' || $2)) AS ok`, [
      item.agency,
      item.barcode,
    ]);
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
        h.id,
        h.patronAgency,
        h.patronBarcode,
        h.patronType,
        h.level,
        h.recordId,
        h.itemAgency,
        h.itemBarcode,
        h.title,
        h.agency,
        h.pickupBranch,
        h.priority,
        h.placedBy,
        h.channel,
        h.placedAt,
        h.notNeededAfter,
        h.status,
        h.trappedItemAgency,
        h.trappedItemBarcode,
        h.trappedHomeBranch,
        h.trappedItemType,
        h.trappedAt,
      ],
    );
    return rows.length === 1;
  }

  /**
   * For a hold that sets its copy aside at once (O2O): under the copy's lock (the one checkout takes),
   * the refusal a checkout or an earlier set-aside makes it impossible, or null.
   */
  async copyTakenFor(m: EntityManager, item: ItemRef): Promise<'on_loan' | 'set_aside' | null> {
    const { taken: row } = await runPlan(m, {
      itemLock: lockItemStep(item),
      taken: step(
        `SELECT EXISTS (SELECT 1 FROM loans.loans WHERE item_agency = $1 AND item_barcode = $2 AND returned_at IS NULL) AS lent,
                EXISTS (SELECT 1 FROM loans.holds WHERE trapped_item_agency = $1 AND trapped_item_barcode = $2 AND status IN ('in_transit','ready')) AS held`,
        [item.agency, item.barcode],
        (rs) => rs[0] as { lent: boolean; held: boolean },
      ),
    });
    return row.lent ? 'on_loan' : row.held ? 'set_aside' : null;
  }

  async findById(id: string, m?: EntityManager, lock = false): Promise<HoldRow | null> {
    const rows = await this.q(m).query(
      `SELECT ${HOLD_COLUMNS}, ${QUEUE_POSITION} FROM loans.holds h WHERE h.id = $1${lock ? ' FOR UPDATE OF h' : ''}`,
      [id],
    );
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
      [
        id,
        pickupDeadline ? 'ready' : 'in_transit',
        t.item.agency,
        t.item.barcode,
        t.homeBranch,
        t.itemType,
        at,
        pickupDeadline ? at : null,
        pickupDeadline,
      ],
    );
  }

  async markReady(m: EntityManager, id: string, at: Date, pickupDeadline: Date): Promise<void> {
    await m.query(
      `UPDATE loans.holds SET status = 'ready', ready_at = $2, pickup_deadline = $3, updated_at = $2 WHERE id = $1`,
      [id, at, pickupDeadline],
    );
  }

  /** A trapped copy that must move again (it turned up away from the pickup branch). */
  async markInTransit(m: EntityManager, id: string, at: Date): Promise<void> {
    await m.query(
      `UPDATE loans.holds SET status = 'in_transit', ready_at = NULL, pickup_deadline = NULL, updated_at = $2 WHERE id = $1`,
      [id, at],
    );
  }

  /**
   * A copy set aside for this hold was lent to someone else offline (the reader already has it): the
   * hold waits again, keeping its priority and placement time (so it is first in its queue again), and
   * the next copy scanned at a checkin traps it as usual.
   */
  async requeue(m: EntityManager, id: string, at: Date): Promise<void> {
    await m.query(
      `UPDATE loans.holds SET status = 'waiting', trapped_item_agency = NULL, trapped_item_barcode = NULL,
         trapped_home_branch = NULL, trapped_item_type = NULL, trapped_at = NULL, ready_at = NULL,
         pickup_deadline = NULL, updated_at = $2
       WHERE id = $1`,
      [id, at],
    );
  }

  /**
   * End a hold. `onShelf`: it ended while its copy sat on the hold shelf, so the shelf list shows a
   * "pull" entry until the copy is scanned again.
   */
  async end(
    m: EntityManager,
    id: string,
    status: 'fulfilled' | 'cancelled' | 'expired',
    reason: HoldEndReason,
    at: Date,
    onShelf: boolean,
    loanId?: string,
  ): Promise<void> {
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

  /** lockItem, then the routing probe under it, in one round trip (the probe gets its snapshot after the lock). */
  async lockItemAndProbe(
    m: EntityManager,
    item: ItemRef,
    recordId: string | null,
    today: string,
  ): Promise<RoutingProbe> {
    return (await runPlan(m, { itemLock: lockItemStep(item), probe: routingProbeStep(item, recordId, today) })).probe;
  }

  /** Default priority for a patron type (0 when no rule). */
  async priorityFor(patronType: string): Promise<number> {
    const rows = await this.dataSource.query(`SELECT priority FROM loans.hold_priority_rules WHERE patron_type = $1`, [
      patronType,
    ]);
    return rows[0]?.priority ?? 0;
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
const lockItemStatement = (item: ItemRef): Statement => [
  `SELECT pg_advisory_xact_lock(7001, hashtext($1 || '/' || $2))`,
  [item.agency, item.barcode],
];

/** Serialise everything that decides where one item goes (checkin, checkout, expiry, cancel), as a plan step. */
export const lockItemStep = (item: ItemRef): PlanStep<void> => effect(...lockItemStatement(item));

/**
 * At checkout (the loan row already carries its record_id): the hold trapped for this copy (whoever it
 * is for), or this patron's own waiting hold that the copy fills, locked (at most two rows); and, as the
 * copy is lent, not travelling, any open transit of it ends and it comes off any shelf "pull" list.
 * Those two updates touch no row the select returns (other statuses); a refusal rolls them back with
 * the checkout. Send it after lockItemStep (its snapshot is taken under the lock).
 */
export const checkoutHoldsStep = (
  item: ItemRef,
  recordId: string | null,
  patron: ItemRef,
  at: Date,
): PlanStep<HoldRow[]> =>
  step(
    `WITH t AS (UPDATE loans.transits SET status = 'cancelled' WHERE item_agency = $1 AND item_barcode = $2 AND status = 'open' RETURNING id),
            c AS (UPDATE loans.holds SET shelf_cleared_at = $6
                  WHERE trapped_item_agency = $1 AND trapped_item_barcode = $2 AND shelf_cleared_at IS NULL AND status IN ('expired','cancelled') RETURNING id)
       SELECT ${HOLD_COLUMNS} FROM loans.holds h
       WHERE (h.trapped_item_agency = $1 AND h.trapped_item_barcode = $2 AND h.status IN ('in_transit','ready'))
          OR (h.patron_agency = $3 AND h.patron_barcode = $4 AND h.record_id = $5 AND h.status = 'waiting'
              AND ((h.level = 'title' AND h.agency = $1) OR (h.item_agency = $1 AND h.item_barcode = $2)))
       FOR UPDATE OF h`,
    [item.agency, item.barcode, patron.agency, patron.barcode, recordId, at],
    parse.all<HoldRow>(),
  );

/**
 * Whether someone other than `patron` waits for the title (same agency) of the copy's open loan, or
 * for this very copy: renewal is refused then. Send it after openLoanStep(…, lock) in the same round
 * trip: it gets its snapshot after the lock, and the loan's title through the `openLoanRecord`
 * hand-off (null record_id, or no open loan: copy-level holds only, as for loans made before titles
 * were kept).
 */
export const othersWaitingStep = (item: ItemRef, patron: ItemRef, today: string): PlanStep<boolean> =>
  step(
    `SELECT EXISTS (SELECT 1 FROM loans.holds h
       WHERE h.status = 'waiting' AND NOT (h.patron_agency = $3 AND h.patron_barcode = $4)
         AND (h.not_needed_after IS NULL OR h.not_needed_after >= $5::date)
         AND ((h.agency = $1 AND (h.level = 'title' OR (h.item_agency = $1 AND h.item_barcode = $2))
               AND h.record_id = ${openLoanRecord.read()})
              OR (h.item_agency = $1 AND h.item_barcode = $2))) AS waiting`,
    [item.agency, item.barcode, patron.agency, patron.barcode, today],
    (r) => parse.one<{ waiting: boolean }>()(r).waiting === true,
    { reads: [openLoanRecord] },
  );

/**
 * What routing a scanned copy could have to do, in one statement (run under lockItemStep, so nothing
 * that routing writes can change between this and the look-ups it spares): shelf "pull" markers to
 * clear, an open transit, a hold it is set aside for, a waiting hold it could fill (the same condition
 * as firstWaitingFor; `recordId` null: none looked for). The common return (none of these) then costs
 * this statement instead of four.
 */
export const routingProbeStep = (item: ItemRef, recordId: string | null, today: string): PlanStep<RoutingProbe> =>
  step(routingProbeSql('$3::uuid'), [item.agency, item.barcode, recordId, today], parse.one<RoutingProbe>());

/**
 * routingProbeStep for a copy whose loan the same round trip has just closed (closeOpenLoanStep): the
 * title is not known when the statements are written, so it comes through the declared hand-off
 * `closedLoanRecord` (the closed loan is no longer in the open-loan index, and no other index finds it
 * by item). runPlan checks the close is sent before this.
 */
export const routingProbeAfterReturnStep = (item: ItemRef, today: string): PlanStep<RoutingProbe> =>
  step(routingProbeSql(closedLoanRecord.read(), '$3'), [item.agency, item.barcode, today], parse.one<RoutingProbe>(), {
    reads: [closedLoanRecord],
  });

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
