import { Injectable } from '@nestjs/common';
import { ItemRefDto, LoanView, Page, PatronLoansDto, PatronSummary, PatronSummaryDto } from '@app/contracts';
import { FinesRepository } from '../fines/fines.repository';
import { HoldRepository } from '../holds/hold.repository';
import { LoanRepository } from '../repositories/loan.repository';
import { toLoanView } from './loan.mapper';

/** Read side: answered from the loans schema alone, without calling other services. */
@Injectable()
export class LoanQueryService {
  constructor(
    private readonly loans: LoanRepository,
    private readonly fines: FinesRepository,
    private readonly holds: HoldRepository,
  ) {}

  async patronLoans(dto: PatronLoansDto): Promise<Page<LoanView>> {
    const limit = dto.limit ?? 50;
    const offset = dto.offset ?? 0;
    const [rows, total] = await this.loans.listForPatron(dto.patron.agency, dto.patron.barcode, dto.status ?? 'open', limit, offset);
    const now = new Date();
    return { items: rows.map((l) => toLoanView(l, now)), total, limit, offset };
  }

  async itemLoan(dto: ItemRefDto): Promise<LoanView | null> {
    const loan = await this.loans.findOpenByItem(dto);
    return loan ? toLoanView(loan, new Date()) : null;
  }

  /** Unknown patrons get zeros: this is a count of loans, not a patron lookup. */
  async patronSummary(dto: PatronSummaryDto): Promise<PatronSummary> {
    // two index-only reads in parallel: open/overdue loans, and what the patron owes (fines_open_patron_idx)
    const [{ open, overdue }, { outstandingFen }] = await Promise.all([
      this.loans.openCounts(dto.patron.agency, dto.patron.barcode, new Date()),
      this.fines.balance(dto.patron.agency, dto.patron.barcode),
    ]);
    // active holds: one lookup on holds_patron_record_active_key
    const holds = await this.holds.countActiveForPatron(dto.patron);
    return { patron: { agency: dto.patron.agency, barcode: dto.patron.barcode }, openLoans: open, overdueLoans: overdue, holds, finesFen: outstandingFen };
  }
}
