import { Injectable } from '@nestjs/common';
import { DomainError, OutboxService, type PlanStep } from '@app/common';
import { ErrorCode, HoldFulfilled, ItemRef } from '@app/contracts';
import { EntityManager } from 'typeorm';
import { LoansEnvDto } from '../config/loans-env.dto';
import { toHoldEventData } from './hold.mapper';
import { checkoutHoldsStep, HoldRepository, HoldRow, lockItemStep, othersWaitingStep } from './hold.repository';

/** The loan fields the hold checks need. */
export interface LoanForHolds {
  id: string;
  patronAgency: string;
  patronBarcode: string;
  itemAgency: string;
  itemBarcode: string;
  /** the title; null only for checkouts of items the catalog gave none (then no title-level hold matches) */
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
   * The plan steps checkout sends right after its loan INSERT, in the same round trip: the item lock,
   * then the copy's holds under it (`holds`, for settleCheckout). The lock comes after the INSERT, so
   * a racing checkin (which holds the loan row, then takes the item lock) has finished with the item.
   */
  checkoutSteps(loan: LoanForHolds, at: Date): { itemLock: PlanStep<void>; holds: PlanStep<HoldRow[]> } {
    const item = { agency: loan.itemAgency, barcode: loan.itemBarcode };
    return {
      itemLock: lockItemStep(item),
      holds: checkoutHoldsStep(item, loan.recordId, { agency: loan.patronAgency, barcode: loan.patronBarcode }, at),
    };
  }

  /**
   * After the loan was inserted (the caller decides that): a copy set aside for someone else is
   * refused (the transaction rolls back); set aside for this patron, or filling this patron's own
   * waiting hold, the hold is fulfilled. Any open transit of the copy has ended (the holds step ended it).
   */
  async settleCheckout(m: EntityManager, holds: HoldRow[], loan: LoanForHolds, at: Date): Promise<void> {
    const item = { agency: loan.itemAgency, barcode: loan.itemBarcode };
    const isMine = (h: { patronAgency: string; patronBarcode: string }) =>
      h.patronAgency === loan.patronAgency && h.patronBarcode === loan.patronBarcode;
    const trapped = holds.find(
      (h) =>
        h.trappedItemBarcode === item.barcode &&
        h.trappedItemAgency === item.agency &&
        (h.status === 'ready' || h.status === 'in_transit'),
    );
    if (trapped && !isMine(trapped)) {
      throw new DomainError(
        ErrorCode.ItemHeldForAnotherPatron,
        `item ${item.agency}/${item.barcode} is set aside for another patron's hold`,
        {
          holdStatus: trapped.status,
          pickupBranch: trapped.pickupBranch,
        },
      );
    }
    const filled = trapped ?? holds.find((h) => h.status === 'waiting' && isMine(h));
    if (filled) {
      await this.holds.end(m, filled.id, 'fulfilled', 'fulfilled', at, false, loan.id);
      Object.assign(filled, { status: 'fulfilled', endReason: 'fulfilled', endedAt: at, loanId: loan.id });
      if (!filled.trappedItemBarcode)
        Object.assign(filled, { trappedItemAgency: item.agency, trappedItemBarcode: item.barcode });
      await this.outbox.add(m, HoldFulfilled, toHoldEventData(filled, this.env.LIBRARY_TIMEZONE), at);
    }
  }

  /** A step for the renewal's round trip after the loan lock: whether others wait (refuseRenewalIfOthersWait). */
  othersWaitingStep(item: ItemRef, patron: ItemRef, today: string): PlanStep<boolean> {
    return othersWaitingStep(item, patron, today);
  }

  /** RENEWAL_REFUSED_HOLDS when another patron waits for this title (or this very copy). */
  refuseRenewalIfOthersWait(othersWait: boolean, item: ItemRef): void {
    if (othersWait) {
      throw new DomainError(
        ErrorCode.RenewalRefusedHolds,
        `item ${item.agency}/${item.barcode} cannot be renewed: other patrons are waiting for it`,
      );
    }
  }
}
