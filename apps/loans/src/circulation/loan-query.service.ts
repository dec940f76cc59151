import { Injectable } from '@nestjs/common';
import { ItemRefDto, LoanView, Page, PatronLoansDto, PatronSummary, PatronSummaryDto } from '@app/contracts';
import { LoanRepository } from '../shared/loan.repository';
import { toLoanView } from '../shared/loan.mapper';

/** Read side: answered from the loans schema alone, without calling other services. */
@Injectable()
export class LoanQueryService {
  constructor(private readonly loans: LoanRepository) {}

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
    // open/overdue loans, what the patron owes and active holds: three index reads in one statement
    const { open, overdue, finesFen, holds } = await this.loans.summaryCounts(dto.patron.agency, dto.patron.barcode, new Date());
    return { patron: { agency: dto.patron.agency, barcode: dto.patron.barcode }, openLoans: open, overdueLoans: overdue, holds, finesFen };
  }
}
