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

const isFor = (h: { patronAgency: string; patronBarcode: string }, loan: LoanForHolds): boolean =>
  h.patronAgency === loan.patronAgency && h.patronBarcode === loan.patronBarcode;

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
    const { trapped, own } = this.match(holds, loan);
    if (trapped && !isFor(trapped, loan)) {
      throw new DomainError(
        ErrorCode.ItemHeldForAnotherPatron,
        `item ${loan.itemAgency}/${loan.itemBarcode} is set aside for another patron's hold`,
        {
          holdStatus: trapped.status,
          pickupBranch: trapped.pickupBranch,
        },
      );
    }
    await this.fill(m, trapped ?? own, loan, at);
  }

  /**
   * settleCheckout for an offline (no-block) checkout, where the reader already has the copy: this
   * patron's hold is filled the same way; a copy set aside for another patron cannot be refused, so
   * that hold waits again (HoldRepository.requeue) and is answered for the exceptions list.
   */
  async settleOfflineCheckout(
    m: EntityManager,
    holds: HoldRow[],
    loan: LoanForHolds,
    at: Date,
  ): Promise<HoldRow | null> {
    const { trapped, own } = this.match(holds, loan);
    if (trapped && !isFor(trapped, loan)) {
      await this.holds.requeue(m, trapped.id, at);
      await this.fill(m, own, loan, at);
      return trapped;
    }
    await this.fill(m, trapped ?? own, loan, at);
    return null;
  }

  /** Of checkoutHoldsStep's rows: the hold the copy is set aside for (anyone's), and this patron's waiting one. */
  private match(holds: HoldRow[], loan: LoanForHolds): { trapped?: HoldRow; own?: HoldRow } {
    const trapped = holds.find(
      (h) =>
        h.trappedItemBarcode === loan.itemBarcode &&
        h.trappedItemAgency === loan.itemAgency &&
        (h.status === 'ready' || h.status === 'in_transit'),
    );
    return { trapped, own: holds.find((h) => h.status === 'waiting' && isFor(h, loan)) };
  }

  private async fill(m: EntityManager, filled: HoldRow | undefined, loan: LoanForHolds, at: Date): Promise<void> {
    if (!filled) return;
    await this.holds.end(m, filled.id, 'fulfilled', 'fulfilled', at, false, loan.id);
    Object.assign(filled, { status: 'fulfilled', endReason: 'fulfilled', endedAt: at, loanId: loan.id });
    if (!filled.trappedItemBarcode)
      Object.assign(filled, { trappedItemAgency: loan.itemAgency, trappedItemBarcode: loan.itemBarcode });
    await this.outbox.add(m, HoldFulfilled, toHoldEventData(filled, this.env.LIBRARY_TIMEZONE), at);
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
