import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { CirculationChannel, ItemRef } from '@app/contracts';
import {
  effect,
  entitySelect,
  executeWithCommit,
  Handoff,
  type PlanStep,
  rows,
  type Statement,
  step,
} from '@app/common';
import { EntityManager, IsNull, Not, Repository } from 'typeorm';
import { LoanEntity } from './loan.entity';

export type LoanListStatus = 'open' | 'closed' | 'all';

/** Select list for raw statements, from LoanEntity's own column declarations (due_date as text). */
export const LOAN_COLUMNS = entitySelect(LoanEntity);

export const toEntity = (row: Record<string, unknown>): LoanEntity => Object.assign(new LoanEntity(), row);

/** A loan row with its title (loans.record_id), which the entity does not map. */
export interface LoanWithRecord {
  loan: LoanEntity;
  recordId: string | null;
}

const withRecord = (rows: unknown[]): LoanWithRecord | null => {
  if (rows.length === 0) return null;
  const { recordId, closedRecordSetting: _closed, recordSetting: _open, ...row } = rows[0] as Record<string, unknown>;
  return { loan: toEntity(row), recordId: (recordId as string | null) ?? null };
};

/**
 * The title of the loan a round trip has just closed (closeOpenLoanStep), for a later statement of the
 * same round trip (HoldRepository's routing probe after a return).
 */
export const closedLoanRecord = new Handoff('loans.closed_record', 'uuid');

/**
 * The title of the open loan openLoanStep read (with `handOffRecord`), for a later statement of the
 * same round trip (the renewal's "do others wait" step). Unset when the item has no open loan.
 */
export const openLoanRecord = new Handoff('loans.open_record', 'uuid');

/**
 * The item's open loan with its record_id (via loans_open_item_key); `lock`: FOR UPDATE;
 * `handOffRecord`: also hands its record_id on as `openLoanRecord`.
 */
export const openLoanStep = (item: ItemRef, lock: boolean, handOffRecord = false): PlanStep<LoanWithRecord | null> =>
  step(
    `SELECT ${LOAN_COLUMNS}, record_id AS "recordId"${handOffRecord ? `, ${openLoanRecord.write('record_id')} AS "recordSetting"` : ''} FROM loans.loans
   WHERE item_agency = $1 AND item_barcode = $2 AND returned_at IS NULL${lock ? ' FOR UPDATE' : ''}`,
    [item.agency, item.barcode],
    withRecord,
    handOffRecord ? { writes: [openLoanRecord] } : {},
  );

/**
 * Closes the item's open loan, returning it with its record_id; null when it was not on loan. Hands
 * the record_id on as `closedLoanRecord`.
 */
export const closeOpenLoanStep = (
  item: ItemRef,
  at: Date,
  branch: string,
  channel: CirculationChannel,
): PlanStep<LoanWithRecord | null> =>
  step(
    // a back-dated return (book drop, offline) never ends a loan before it began
    `UPDATE loans.loans SET returned_at = GREATEST($3, checked_out_at), return_branch = $4, return_channel = $5
   WHERE item_agency = $1 AND item_barcode = $2 AND returned_at IS NULL
   RETURNING ${LOAN_COLUMNS}, record_id AS "recordId", ${closedLoanRecord.write('record_id')} AS "closedRecordSetting"`,
    [item.agency, item.barcode, at, branch, channel],
    withRecord,
    { writes: [closedLoanRecord] },
  );

@Injectable()
export class LoanRepository {
  constructor(@InjectRepository(LoanEntity) private readonly loans: Repository<LoanEntity>) {}

  /** Uses loans_open_patron_idx. */
  async countOpenForPatron(m: EntityManager, agency: string, barcode: string): Promise<number> {
    const [row] = await m.query(
      `SELECT count(*)::int AS n FROM loans.loans WHERE patron_agency = $1 AND patron_barcode = $2 AND returned_at IS NULL`,
      [agency, barcode],
    );
    return row.n;
  }

  /** The item's open loan (via loans_open_item_key); `lock` holds it for the caller's transaction. */
  /** A page of the loans history by primary key (statistics backfill). */
  async historyPage(after: string | null, since: Date | null, limit: number): Promise<LoanEntity[]> {
    const rows = (await this.loans.query(
      `SELECT ${LOAN_COLUMNS} FROM loans.loans WHERE ($1::uuid IS NULL OR id > $1::uuid) AND ($2::timestamptz IS NULL OR checked_out_at >= $2)
       ORDER BY id LIMIT $3`,
      [after, since, limit],
    )) as Record<string, unknown>[];
    return rows.map(toEntity);
  }

  async findOpenByItem(item: ItemRef, m?: EntityManager, lock = false): Promise<LoanEntity | null> {
    return (await this.findOpenByItemWithRecord(item, m, lock))?.loan ?? null;
  }

  /** findOpenByItem that also returns the loan's title (record_id), in the same statement. */
  async findOpenByItemWithRecord(item: ItemRef, m?: EntityManager, lock = false): Promise<LoanWithRecord | null> {
    const s = openLoanStep(item, lock);
    return s.parse(await (m ?? this.loans.manager).query(s.sql, [...s.params]));
  }

  /** The loan row is locked by the caller and nothing reads it back in the transaction: it travels with the COMMIT. */
  async saveRenewal(
    m: EntityManager,
    id: string,
    dueAt: Date,
    dueDate: string,
    renewals: number,
    at: Date,
  ): Promise<void> {
    await executeWithCommit(m, [
      `UPDATE loans.loans SET due_at = $2, due_date = $3, renewals = $4, last_renewed_at = $5 WHERE id = $1`,
      [id, dueAt, dueDate, renewals, at],
    ]);
  }

  /** A recall: only the due date moves (not a renewal: the count and last renewal stay). */
  async saveRecalledDue(m: EntityManager, id: string, dueAt: Date, dueDate: string): Promise<void> {
    await executeWithCommit(m, [
      `UPDATE loans.loans SET due_at = $2, due_date = $3 WHERE id = $1`,
      [id, dueAt, dueDate],
    ]);
  }

  /** Newest first; uses loans_patron_history_idx (or loans_open_patron_idx for open loans). */
  listForPatron(
    agency: string,
    barcode: string,
    status: LoanListStatus,
    limit: number,
    offset: number,
  ): Promise<[LoanEntity[], number]> {
    const returnedAt = status === 'open' ? IsNull() : status === 'closed' ? Not(IsNull()) : undefined;
    return this.loans.findAndCount({
      where: { patronAgency: agency, patronBarcode: barcode, ...(returnedAt ? { returnedAt } : {}) },
      order: { checkedOutAt: 'DESC', id: 'DESC' },
      take: limit,
      skip: offset,
    });
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

  /**
   * Everything the patron summary counts, in one round trip: open and overdue loans
   * (loans_open_patron_idx), what the patron owes on open fines (fines_open_patron_idx) and active
   * holds (holds_patron_record_active_key) — the same conditions as openCounts, FinesRepository.balance
   * and HoldRepository.countActiveForPatron.
   */
  async summaryCounts(
    agency: string,
    barcode: string,
    now: Date,
  ): Promise<{ open: number; overdue: number; finesFen: number; holds: number }> {
    const [row] = await this.loans.query(
      `SELECT l.open, l.overdue,
         (SELECT COALESCE(sum(f.amount_fen - f.paid_fen - f.waived_fen), 0)::int FROM loans.fines f
           WHERE f.patron_agency = $1 AND f.patron_barcode = $2 AND f.status = 'open') AS "finesFen",
         (SELECT count(*)::int FROM loans.holds h
           WHERE h.patron_agency = $1 AND h.patron_barcode = $2 AND h.status IN ('waiting','in_transit','ready')) AS holds
       FROM (SELECT count(*)::int AS open, count(*) FILTER (WHERE due_at < $3)::int AS overdue
             FROM loans.loans WHERE patron_agency = $1 AND patron_barcode = $2 AND returned_at IS NULL) l`,
      [agency, barcode, now],
    );
    return row;
  }

  /** Open and overdue counts in one pass over loans_open_patron_idx. */
  async openCounts(agency: string, barcode: string, now: Date): Promise<{ open: number; overdue: number }> {
    const [row] = await this.loans.query(
      `SELECT count(*)::int AS open, count(*) FILTER (WHERE due_at < $3)::int AS overdue
       FROM loans.loans WHERE patron_agency = $1 AND patron_barcode = $2 AND returned_at IS NULL`,
      [agency, barcode, now],
    );
    return row;
  }
}

/**
 * Serialises checkouts of one patron until the caller's transaction ends, so two kiosks cannot both
 * count N-1 open loans and both pass the limit (sent with the count: LoanLimitsRepository). Hash
 * collisions only make unrelated patrons wait. The fines service takes the same lock.
 */
export const lockPatronStatement = (agency: string, barcode: string): Statement => [
  `SELECT pg_advisory_xact_lock(hashtext($1 || '/' || $2))`,
  [agency, barcode],
];

export const lockPatronStep = (agency: string, barcode: string): PlanStep<void> =>
  effect(...lockPatronStatement(agency, barcode));

/**
 * Insert the loan unless the item already has an open one; true when it was inserted. The partial
 * unique index loans_open_item_key decides (ON CONFLICT DO NOTHING waits for a racing insert to commit
 * or roll back), so exactly one of N concurrent checkouts wins and the others get false, without an
 * aborted transaction. `recordId`: the title, kept on the loan so its checkin can trap title-level
 * holds without the catalog (written here, not by a second UPDATE).
 */
export const insertIfItemFreeStep = (l: LoanEntity, recordId: string | null = null): PlanStep<boolean> =>
  step(
    `INSERT INTO loans.loans (id, patron_agency, patron_barcode, patron_type, item_agency, item_barcode, item_id, title,
         item_type, owning_branch, checkout_branch, channel, rule_id, checked_out_at, due_at, due_date, renewals, due_branch, record_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 0, $17, $18)
       ON CONFLICT (item_agency, item_barcode) WHERE returned_at IS NULL DO NOTHING
       RETURNING id`,
    [
      l.id,
      l.patronAgency,
      l.patronBarcode,
      l.patronType,
      l.itemAgency,
      l.itemBarcode,
      l.itemId,
      l.title,
      l.itemType,
      l.owningBranch,
      l.checkoutBranch,
      l.channel,
      l.ruleId,
      l.checkedOutAt,
      l.dueAt,
      l.dueDate,
      l.dueBranch ?? l.checkoutBranch,
      recordId,
    ],
    rows.any,
  );
