import { Injectable } from '@nestjs/common';
import { DomainError, OutboxService } from '@app/common';
import { CheckoutDto, CheckoutResult, ErrorCode, LoanCreated, LoansCheckout } from '@app/contracts';
import { DataSource } from 'typeorm';
import { ItemDirectory } from '../items/item-directory.service';
import { PatronsClient } from '../shared/patrons.client';
import { LoansEnvDto } from '../config/loans-env.dto';
import { itemRefusal, patronRefusal } from '../rules/circulation-checks';
import { CalendarService } from '../calendar/calendar.service';
import { localDate } from '@app/time';
import { newLoan } from '../shared/new-loan';
import { HoldCirculationService } from '../holds/hold-circulation.service';
import { insertIfItemFreeStep, LoanRepository, lockPatronStep } from '../shared/loan.repository';
import { limitRefusal } from '../rules/loan-limits';
import { LoanLimitsRepository } from '../rules/loan-limits.repository';
import { LoanPolicyService } from '../rules/loan-policy.service';
import { toLoanEventData, toLoanView } from '../shared/loan.mapper';
import { refuse } from '../rules/refuse';
import { IdempotencyService, OnceWrite, runPlanOnce } from '../shared/idempotency.service';
import { OfflineCheckoutService } from './offline-checkout.service';

/**
 * Checkout is the hot path (SIP2 kiosks): one request to patrons and, in parallel, the item from loans'
 * item projection (the catalog is asked only when there is no row or the row would refuse), then one
 * short transaction in two round trips: BEGIN + patron lock + limit counts + loan INSERT +
 * item lock + the copy's holds; outbox row + COMMIT. The database, not a prior read, decides whether
 * the item is already out.
 */
@Injectable()
export class CheckoutItemUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly patrons: PatronsClient,
    private readonly items: ItemDirectory,
    private readonly policy: LoanPolicyService,
    private readonly loans: LoanRepository,
    private readonly outbox: OutboxService,
    private readonly env: LoansEnvDto,
    private readonly calendars: CalendarService,
    private readonly limits: LoanLimitsRepository,
    private readonly holds: HoldCirculationService,
    private readonly idempotency: IdempotencyService,
    private readonly offline: OfflineCheckoutService,
  ) {}

  /** With an idempotency key the reply is stored with the loan; a repeated key answers it again. */
  execute(dto: CheckoutDto): Promise<CheckoutResult> {
    return this.idempotency.run(LoansCheckout.subject, dto, (once) =>
      dto.noBlock ? this.offline.execute(dto, once) : this.live(dto, once),
    );
  }

  private async live(dto: CheckoutDto, once: OnceWrite | null): Promise<CheckoutResult> {
    const [patronResult, itemResult] = await Promise.allSettled([
      this.patrons.forCirculation(dto.patron, dto.pin, dto.pinOrigin ?? `loans:${dto.channel ?? 'api'}`),
      // a refusal on the projection's row is confirmed with the catalog (the row may lag a change)
      this.items.forCirculation(dto.item, (row) => itemRefusal(row) !== null),
    ]);
    // patron problems are reported before item problems, whichever answer arrived first
    if (patronResult.status === 'rejected') throw patronResult.reason;
    if (itemResult.status === 'rejected') throw itemResult.reason;
    const { patron, pin } = patronResult.value;
    const item = itemResult.value;

    const now = new Date();
    const tz = this.env.LIBRARY_TIMEZONE;
    refuse(patronRefusal(patron, localDate(now, tz), pin));
    refuse(itemRefusal(item));

    // loan rights are the owning branch's, wherever the item is lent
    const rule = await this.policy.resolve({
      owningBranch: item.homeBranch,
      agency: item.agency,
      patronType: patron.patronType,
      itemType: item.itemType,
    });
    // a due day on a closed day moves to the next open day of the branch the item is expected back at (cached calendar)
    const due = await this.calendars.dueAfter(now, rule.loanDays, dto.returnBranch ?? dto.branch);
    const loan = newLoan({
      patron,
      item: { ...item, id: item.itemId },
      branch: dto.branch,
      channel: dto.channel ?? 'api',
      ruleId: rule.id,
      checkedOutAt: now,
      due,
    });

    const forHolds = { ...loan, recordId: item.recordId };
    const result: CheckoutResult = {
      loan: toLoanView(loan, now),
      rule: { id: rule.id, loanDays: rule.loanDays, maxItems: rule.maxItems, maxRenewals: rule.maxRenewals },
    };
    await this.dataSource.transaction(async (m) => {
      // one round trip (with the BEGIN): the patron lock and the overall and per-owning-branch counts
      // under it, then the insert, the item lock and the copy's holds. The counts are read before the
      // insert, so a refusal on them rolls the insert back; a copy on a hold shelf goes only to its
      // patron; lending fills the patron's own hold
      // with a key, its stored outcome is read in the same round trip (a retry of a committed checkout stops here)
      const plan = await runPlanOnce(
        m,
        {
          patronLock: lockPatronStep(loan.patronAgency, loan.patronBarcode),
          limits: this.limits.countOpenStep(loan.patronAgency, loan.patronBarcode, loan.owningBranch),
          inserted: insertIfItemFreeStep(loan, item.recordId),
          ...this.holds.checkoutSteps(forHolds, now),
        },
        once,
      );
      refuse(limitRefusal(rule, plan.limits, loan.owningBranch, `${patron.agency}/${patron.barcode}`));
      if (!plan.inserted) {
        const holder = await this.loans.findOpenByItem(item, m);
        throw new DomainError(ErrorCode.ItemAlreadyOnLoan, `item ${item.agency}/${item.barcode} is already on loan`, {
          // lets a kiosk offer a renewal instead, without saying who has the item
          loanedToThisPatron:
            holder?.patronAgency === loan.patronAgency && holder?.patronBarcode === loan.patronBarcode,
        });
      }
      await this.holds.settleCheckout(m, plan.holds, forHolds, now);
      await this.outbox.add(m, LoanCreated, toLoanEventData(loan, loan.checkoutBranch, loan.channel), now);
      // the key and this reply go with the COMMIT, through the deadline guard
      if (once) await once.record(m, result);
    });
    this.outbox.notifyCommitted();
    this.crashHookAfterCommit(dto);
    return result;
  }

  /** LOANS_TEST_EXIT_AFTER_COMMIT (tests only, refused in production): die like a kill -9 between COMMIT and reply. */
  private crashHookAfterCommit(dto: CheckoutDto): void {
    const target = this.env.LOANS_TEST_EXIT_AFTER_COMMIT;
    if (target && target === `${dto.item.agency}/${dto.item.barcode}`) process.kill(process.pid, 'SIGKILL');
  }
}
