import { Injectable } from '@nestjs/common';
import type { ItemRef } from '@app/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { LoanEntity } from '../shared/loan.entity';
import { LOAN_COLUMNS, toEntity } from '../shared/loan.repository';

/** Loan state changes of the lost / claimed-returned flows (the loans table is shared with checkout/checkin). */
@Injectable()
export class LostItemsRepository {
  constructor(private readonly db: DataSource) {}

  /** Close the open loan as lost: returned_at and lost_at at the same instant frees the item for the catalog. */
  async closeAsLost(m: EntityManager, loanId: string, at: Date, branch: string | null): Promise<LoanEntity | null> {
    const [rows] = await m.query(
      `UPDATE loans.loans SET returned_at = $2, lost_at = $2, return_branch = $3
       WHERE id = $1 AND returned_at IS NULL RETURNING ${LOAN_COLUMNS}`,
      [loanId, at, branch],
    );
    return rows.length > 0 ? toEntity(rows[0]) : null;
  }

  async flagClaimedReturned(m: EntityManager, loanId: string, at: Date): Promise<LoanEntity | null> {
    const [rows] = await m.query(
      `UPDATE loans.loans SET claimed_returned_at = COALESCE(claimed_returned_at, $2)
       WHERE id = $1 AND returned_at IS NULL RETURNING ${LOAN_COLUMNS}`,
      [loanId, at],
    );
    return rows.length > 0 ? toEntity(rows[0]) : null;
  }

  /** The item's latest lost loan not yet found again (loans_lost_item_idx), locked. */
  async lockLostUnfound(m: EntityManager, item: ItemRef): Promise<LoanEntity | null> {
    const rows = await m.query(
      `SELECT ${LOAN_COLUMNS} FROM loans.loans
       WHERE item_agency = $1 AND item_barcode = $2 AND lost_at IS NOT NULL AND found_at IS NULL
       ORDER BY lost_at DESC LIMIT 1 FOR UPDATE`,
      [item.agency, item.barcode],
    );
    return rows.length > 0 ? toEntity(rows[0]) : null;
  }

  /** Cheap pre-check outside a transaction (checkins of items not on loan are common). */
  async hasLostUnfound(item: ItemRef): Promise<boolean> {
    const rows = await this.db.query(
      `SELECT 1 FROM loans.loans WHERE item_agency = $1 AND item_barcode = $2 AND lost_at IS NOT NULL AND found_at IS NULL LIMIT 1`,
      [item.agency, item.barcode],
    );
    return rows.length > 0;
  }

  async markFound(m: EntityManager, loanId: string, at: Date): Promise<void> {
    await m.query(`UPDATE loans.loans SET found_at = $2 WHERE id = $1`, [loanId, at]);
  }
}
