import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import {
  ErrorCode,
  ItemRefDto,
  LoanHistoryPage,
  LoanHistoryQueryDto,
  LoanView,
  Page,
  PatronLoansDto,
  PatronSummary,
  PatronSummaryDto,
} from '@app/contracts';
import { LoanRepository } from '../shared/loan.repository';
import { toLoanView } from '../shared/loan.mapper';

/** Read side: answered from the loans schema alone, without calling other services. */
@Injectable()
export class LoanQueryService {
  constructor(private readonly loans: LoanRepository) {}

  async patronLoans(dto: PatronLoansDto): Promise<Page<LoanView>> {
    const limit = dto.limit ?? 50;
    const offset = dto.offset ?? 0;
    const [rows, total] = await this.loans.listForPatron(
      dto.patron.agency,
      dto.patron.barcode,
      dto.status ?? 'open',
      limit,
      offset,
    );
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
    const { open, overdue, finesFen, holds } = await this.loans.summaryCounts(
      dto.patron.agency,
      dto.patron.barcode,
      new Date(),
    );
    return {
      patron: { agency: dto.patron.agency, barcode: dto.patron.barcode },
      openLoans: open,
      overdueLoans: overdue,
      holds,
      finesFen,
    };
  }

  /** Loans in primary-key order (the index there is; no extra index on the checkout path), `after` the last id seen. */
  async history(dto: LoanHistoryQueryDto): Promise<LoanHistoryPage> {
    const limit = dto.limit ?? 500;
    const since = dto.since ? new Date(dto.since) : null;
    if (since && Number.isNaN(since.getTime()))
      throw new DomainError(ErrorCode.ValidationFailed, 'since must be an ISO-8601 instant', {
        fields: { since: ['not a date'] },
      });
    if (dto.after !== undefined && !/^[0-9a-f-]{36}$/i.test(dto.after))
      throw new DomainError(ErrorCode.ValidationFailed, 'after must be a cursor from a previous page', {
        fields: { after: ['not a cursor'] },
      });
    const rows = await this.loans.historyPage(dto.after ?? null, since, limit);
    return {
      items: rows.map((l) => ({
        loanId: l.id,
        patron: { agency: l.patronAgency, barcode: l.patronBarcode },
        patronType: l.patronType,
        item: { agency: l.itemAgency, barcode: l.itemBarcode },
        itemType: l.itemType,
        owningBranch: l.owningBranch,
        checkoutBranch: l.checkoutBranch,
        channel: l.channel,
        checkedOutAt: l.checkedOutAt.toISOString(),
        renewals: l.renewals,
        lastRenewedAt: l.lastRenewedAt ? l.lastRenewedAt.toISOString() : null,
        returnedAt: l.returnedAt ? l.returnedAt.toISOString() : null,
        returnBranch: l.returnBranch,
        returnChannel: l.returnChannel,
      })),
      next: rows.length === limit ? rows[rows.length - 1].id : null,
    };
  }
}
