import { Injectable } from '@nestjs/common';
import { DomainError, type Statement, OutboxService } from '@app/common';
import { ErrorCode, HoldFulfilled, ItemRef } from '@app/contracts';
import { EntityManager } from 'typeorm';
import { LoansEnvDto } from '../config/loans-env.dto';
import { toHoldEventData } from './hold.mapper';
import { HoldRepository, HoldRow } from './hold.repository';

/** The loan fields the hold checks need. */
export interface LoanForHolds {
  id: string;
  patronAgency: string;
  patronBarcode: string;
  itemAgency: string;
  itemBarcode: string;
  recordId: string | null;
}

/** What checkout and renewal ask of holds, inside their own transactions. */
@Injectable()
export class HoldCirculationService {
  constructor(
    private readonly holds: HoldRepository,
    private readonly outbox: OutboxService,
    private readonly env: LoansEnvDto,
  ) {}

  /**
   * The loan INSERT (`insert`: LoanRepository.insertIfItemFreeStatement), then the item lock and the
   * copy's holds under it: statements the caller sends in one round trip (with whatever goes before
   * them) and hands the rows of to settleCheckout. The lock comes after the INSERT, so a racing checkin
   * (which holds the loan row, then takes the item lock) has finished with the item.
   */
  checkoutStatements(insert: Statement, loan: LoanForHolds & { recordId: string }, at: Date): Statement[] {
    const item = { agency: loan.itemAgency, barcode: loan.itemBarcode };
    return this.holds.checkoutStatements(insert, item, loan.recordId, { agency: loan.patronAgency, barcode: loan.patronBarcode }, at);
  }

  /**
   * Decides on checkoutStatements' rows. False when the item is already on loan (nothing else is
   * decided). Otherwise a copy set aside for someone else is refused (the transaction rolls back); set
   * aside for this patron, or filling this patron's own waiting hold, the hold is fulfilled. Any open
   * transit of the copy has ended (the holds statement ended it).
   */
  async settleCheckout(m: EntityManager, [inserted, , holdRows]: unknown[][], loan: LoanForHolds & { recordId: string }, at: Date): Promise<boolean> {
    const item = { agency: loan.itemAgency, barcode: loan.itemBarcode };
    const rows = holdRows as HoldRow[];
    if (inserted.length !== 1) return false;
    const isMine = (h: { patronAgency: string; patronBarcode: string }) => h.patronAgency === loan.patronAgency && h.patronBarcode === loan.patronBarcode;
    const trapped = rows.find((h) => h.trappedItemBarcode === item.barcode && h.trappedItemAgency === item.agency && (h.status === 'ready' || h.status === 'in_transit'));
    if (trapped && !isMine(trapped)) {
      throw new DomainError(ErrorCode.ItemHeldForAnotherPatron, `item ${item.agency}/${item.barcode} is set aside for another patron's hold`, {
        holdStatus: trapped.status,
        pickupBranch: trapped.pickupBranch,
      });
    }
    const filled = trapped ?? rows.find((h) => h.status === 'waiting' && isMine(h));
    if (filled) {
      await this.holds.end(m, filled.id, 'fulfilled', 'fulfilled', at, false, loan.id);
      Object.assign(filled, { status: 'fulfilled', endReason: 'fulfilled', endedAt: at, loanId: loan.id });
      if (!filled.trappedItemBarcode) Object.assign(filled, { trappedItemAgency: item.agency, trappedItemBarcode: item.barcode });
      await this.outbox.add(m, HoldFulfilled, toHoldEventData(filled, this.env.LIBRARY_TIMEZONE), at);
    }
    return true;
  }

  /** A statement for the renewal's round trip with the loan lock; its rows go to refuseRenewalIfOthersWait. */
  othersWaitingStatement(item: ItemRef, patron: ItemRef, today: string): Statement {
    return this.holds.othersWaitingForOpenLoanStatement(item, patron, today);
  }

  /** RENEWAL_REFUSED_HOLDS when another patron waits for this title (or this very copy): othersWaitingStatement's rows. */
  refuseRenewalIfOthersWait([row]: unknown[], item: ItemRef): void {
    if ((row as { waiting: boolean } | undefined)?.waiting === true) {
      throw new DomainError(ErrorCode.RenewalRefusedHolds, `item ${item.agency}/${item.barcode} cannot be renewed: other patrons are waiting for it`);
    }
  }
}
