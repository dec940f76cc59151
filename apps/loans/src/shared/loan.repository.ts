import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { CirculationChannel, ItemRef } from '@app/contracts';
import { executeWithCommit, type Statement } from '@app/common';
import { EntityManager, IsNull, Not, Repository } from 'typeorm';
import { LoanEntity } from './loan.entity';

export type LoanListStatus = 'open' | 'closed' | 'all';

/** Column list for raw statements, aliased to entity properties (due_date as text: pg would make it a Date). */
export const LOAN_COLUMNS = `id, patron_agency AS "patronAgency", patron_barcode AS "patronBarcode", patron_type AS "patronType",
  item_agency AS "itemAgency", item_barcode AS "itemBarcode", item_id AS "itemId", title, item_type AS "itemType",
  owning_branch AS "owningBranch", checkout_branch AS "checkoutBranch", channel, rule_id AS "ruleId",
  checked_out_at AS "checkedOutAt", due_at AS "dueAt", due_date::text AS "dueDate", renewals,
  last_renewed_at AS "lastRenewedAt", returned_at AS "returnedAt", return_branch AS "returnBranch",
  return_channel AS "returnChannel", due_branch AS "dueBranch", lost_at AS "lostAt", claimed_returned_at AS "claimedReturnedAt",
  found_at AS "foundAt"`;

export const toEntity = (row: Record<string, unknown>): LoanEntity => Object.assign(new LoanEntity(), row);

/** A loan row with its title (loans.record_id), which the entity does not map. */
export interface LoanWithRecord {
  loan: LoanEntity;
  recordId: string | null;
}

/** The item's open loan with its record_id (via loans_open_item_key); `lock`: FOR UPDATE. */
export const openByItemWithRecordStatement = (item: ItemRef, lock: boolean): Statement => [
  `SELECT ${LOAN_COLUMNS}, record_id AS "recordId" FROM loans.loans
   WHERE item_agency = $1 AND item_barcode = $2 AND returned_at IS NULL${lock ? ' FOR UPDATE' : ''}`,
  [item.agency, item.barcode],
];

/**
 * Closes the item's open loan, returning it with its record_id; no row when it was not on loan. The
 * record_id is also left in the transaction-local setting `loans.closed_record` for a statement sent
 * in the same round trip (HoldRepository's routing probe after a return).
 */
export const closeOpenLoanStatement = (item: ItemRef, at: Date, branch: string, channel: CirculationChannel): Statement => [
  // a back-dated return (book drop, offline) never ends a loan before it began
  `UPDATE loans.loans SET returned_at = GREATEST($3, checked_out_at), return_branch = $4, return_channel = $5
   WHERE item_agency = $1 AND item_barcode = $2 AND returned_at IS NULL
   RETURNING ${LOAN_COLUMNS}, record_id AS "recordId", set_config('loans.closed_record', coalesce(record_id::text, ''), true) AS "closedRecordSetting"`,
  [item.agency, item.barcode, at, branch, channel],
];

const withRecord = ({ recordId, closedRecordSetting: _setting, ...row }: Record<string, unknown>): LoanWithRecord => ({
  loan: toEntity(row),
  recordId: (recordId as string | null) ?? null,
});

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
  async findOpenByItem(item: ItemRef, m?: EntityManager, lock = false): Promise<LoanEntity | null> {
    return (await this.findOpenByItemWithRecord(item, m, lock))?.loan ?? null;
  }

  /** findOpenByItem that also returns the loan's title (record_id), in the same statement. */
  async findOpenByItemWithRecord(item: ItemRef, m?: EntityManager, lock = false): Promise<LoanWithRecord | null> {
    return this.withRecordFrom(await (m ?? this.loans.manager).query(...openByItemWithRecordStatement(item, lock)));
  }

  /** The rows of openByItemWithRecordStatement as findOpenByItemWithRecord returns them. */
  withRecordFrom(rows: unknown[]): LoanWithRecord | null {
    return rows.length > 0 ? withRecord(rows[0] as Record<string, unknown>) : null;
  }

  /** The loan row is locked by the caller and nothing reads it back in the transaction: it travels with the COMMIT. */
  async saveRenewal(m: EntityManager, id: string, dueAt: Date, dueDate: string, renewals: number, at: Date): Promise<void> {
    await executeWithCommit(m, [`UPDATE loans.loans SET due_at = $2, due_date = $3, renewals = $4, last_renewed_at = $5 WHERE id = $1`, [id, dueAt, dueDate, renewals, at]]);
  }

  /** Newest first; uses loans_patron_history_idx (or loans_open_patron_idx for open loans). */
  listForPatron(agency: string, barcode: string, status: LoanListStatus, limit: number, offset: number): Promise<[LoanEntity[], number]> {
    const returnedAt = status === 'open' ? IsNull() : status === 'closed' ? Not(IsNull()) : undefined;
    return this.loans.findAndCount({
      where: { patronAgency: agency, patronBarcode: barcode, ...(returnedAt ? { returnedAt } : {}) },
      order: { checkedOutAt: 'DESC', id: 'DESC' },
      take: limit,
      skip: offset,
    });
  }

  /**
   * Everything the patron summary counts, in one round trip: open and overdue loans
   * (loans_open_patron_idx), what the patron owes on open fines (fines_open_patron_idx) and active
   * holds (holds_patron_record_active_key) — the same conditions as openCounts, FinesRepository.balance
   * and HoldRepository.countActiveForPatron.
   */
  async summaryCounts(agency: string, barcode: string, now: Date): Promise<{ open: number; overdue: number; finesFen: number; holds: number }> {
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
export const lockPatronStatement = (agency: string, barcode: string): Statement => [`SELECT pg_advisory_xact_lock(hashtext($1 || '/' || $2))`, [agency, barcode]];

/**
 * Insert the loan unless the item already has an open one. The partial unique index
 * loans_open_item_key decides (ON CONFLICT DO NOTHING waits for a racing insert to commit or roll
 * back), so exactly one of N concurrent checkouts wins and the others get no row back, without an
 * aborted transaction. `recordId`: the title, kept on the loan so its checkin can trap title-level
 * holds without the catalog (written here, not by a second UPDATE).
 */
export const insertIfItemFreeStatement = (l: LoanEntity, recordId: string | null = null): Statement => [
  `INSERT INTO loans.loans (id, patron_agency, patron_barcode, patron_type, item_agency, item_barcode, item_id, title,
         item_type, owning_branch, checkout_branch, channel, rule_id, checked_out_at, due_at, due_date, renewals, due_branch, record_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 0, $17, $18)
       ON CONFLICT (item_agency, item_barcode) WHERE returned_at IS NULL DO NOTHING
       RETURNING id`,
  [
    l.id, l.patronAgency, l.patronBarcode, l.patronType, l.itemAgency, l.itemBarcode, l.itemId, l.title,
    l.itemType, l.owningBranch, l.checkoutBranch, l.channel, l.ruleId, l.checkedOutAt, l.dueAt, l.dueDate,
    l.dueBranch ?? l.checkoutBranch, recordId,
  ],
];
