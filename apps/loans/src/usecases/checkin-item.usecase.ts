import { Injectable } from '@nestjs/common';
import { OutboxService } from '@app/common';
import { CheckinDto, CheckinResult, EventSubjects, ItemStatus, LoanEventData } from '@app/contracts';
import { DataSource } from 'typeorm';
import { CatalogClient } from '../clients/catalog.client';
import { LoanRepository } from '../repositories/loan.repository';
import { isOverdue, toLoanEventData, toLoanView } from '../services/loan.mapper';

/** Catalog statuses staff should notice when such an item turns up at a return desk or book drop. */
const ALERT_STATUSES: readonly ItemStatus[] = ['lost', 'missing', 'claimed_returned', 'withdrawn', 'damaged'];

/**
 * Checkin closes the open loan in one UPDATE and answers from the loan row (which carries title,
 * type and owning branch), so a return costs no catalog call. Only an item that was not on loan is
 * looked up in the catalog, to tell "not on loan" from "unknown barcode".
 */
@Injectable()
export class CheckinItemUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly catalog: CatalogClient,
    private readonly loans: LoanRepository,
    private readonly outbox: OutboxService,
  ) {}

  async execute(dto: CheckinDto): Promise<CheckinResult> {
    const now = new Date();
    const channel = dto.channel ?? 'api';
    const closed = await this.dataSource.transaction(async (m) => {
      const loan = await this.loans.closeOpenLoan(m, dto.item, now, dto.branch, channel);
      if (loan) await this.outbox.add<LoanEventData>(m, EventSubjects.loanClosed, toLoanEventData(loan, dto.branch, channel), now);
      return loan;
    });

    if (closed) {
      this.outbox.notifyCommitted();
      // floating collections and holds (a later issue) will change where an item goes next
      const destination = closed.owningBranch;
      return {
        wasOnLoan: true,
        loan: toLoanView(closed, now),
        item: { agency: closed.itemAgency, barcode: closed.itemBarcode, title: closed.title, homeBranch: closed.owningBranch, itemType: closed.itemType },
        destination,
        transit: dto.branch !== destination,
        alerts: isOverdue(closed, now) ? ['overdue'] : [],
      };
    }

    const item = await this.catalog.getItem(dto.item); // ITEM_UNKNOWN for a barcode the catalog does not know
    return {
      wasOnLoan: false,
      loan: null,
      item: { agency: item.agency, barcode: item.barcode, title: item.title, homeBranch: item.homeBranch, itemType: item.itemType },
      destination: item.homeBranch,
      transit: dto.branch !== item.homeBranch,
      alerts: ALERT_STATUSES.includes(item.status) ? [`item_${item.status}`] : [],
    };
  }
}
