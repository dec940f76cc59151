import { Injectable } from '@nestjs/common';
import { DomainError, executeWithCommit, OutboxService, runPlan } from '@app/common';
import {
  CheckoutDto,
  CheckoutResult,
  CirculationExceptionReason,
  ErrorCode,
  LoanClosed,
  LoanCreated,
} from '@app/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { CalendarService } from '../calendar/calendar.service';
import { LoansEnvDto } from '../config/loans-env.dto';
import { HoldCirculationService } from '../holds/hold-circulation.service';
import { itemRefusal } from '../rules/circulation-checks';
import { LoanPolicyService } from '../rules/loan-policy.service';
import { CatalogClient } from '../shared/catalog.client';
import { CirculationExceptionsRepository } from '../shared/circulation-exceptions.repository';
import { OnceWrite, runPlanOnce } from '../shared/idempotency.service';
import { LoanEntity } from '../shared/loan.entity';
import { newLoan } from '../shared/new-loan';
import { toLoanEventData, toLoanView } from '../shared/loan.mapper';
import { insertIfItemFreeStep, LoanRepository, lockPatronStep, openLoanStep } from '../shared/loan.repository';
import { dueOn, localDate } from '@app/time';
import { OfflinePolicyService } from '../shared/offline-policy.service';
import { PatronsClient } from '../shared/patrons.client';

/**
 * An offline (no-block) checkout: the terminal lent the item while it could not ask us (SIP2 11 with
 * no-block Y, or a line of a staff offline upload), so the patron already has the book. It is applied
 * without the live blocks and limits, as of the terminal's transaction date, with the due day the
 * terminal gave (else computed from the transaction date); conflicts are applied as far as is safe
 * and put on the staff exceptions list (docs/circulation.md, "Offline transactions"):
 * - card reported lost, item lost or not for loan: lent anyway, exception;
 * - item on loan to someone else: that loan is closed as of the transaction date, exception;
 * - item already on loan to this patron: nothing changes, the existing loan is answered;
 * - copy set aside for this patron's hold (or filling their waiting hold): the hold is filled, as live;
 * - copy set aside for another patron: lent anyway, that hold waits again, exception.
 * An unknown patron or item cannot be lent (no patron type / title to lend under): refused.
 */
@Injectable()
export class OfflineCheckoutService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly patrons: PatronsClient,
    private readonly catalog: CatalogClient,
    private readonly policy: LoanPolicyService,
    private readonly calendars: CalendarService,
    private readonly loans: LoanRepository,
    private readonly outbox: OutboxService,
    private readonly exceptions: CirculationExceptionsRepository,
    private readonly offline: OfflinePolicyService,
    private readonly holds: HoldCirculationService,
    private readonly env: LoansEnvDto,
  ) {}

  async execute(dto: CheckoutDto, once: OnceWrite | null): Promise<CheckoutResult> {
    const source = dto.channel ?? 'api';
    const now = new Date();
    const tz = this.env.LIBRARY_TIMEZONE;
    const at = this.offline.instant(dto.transactionAt, dto.item.agency, now, 'transactionAt');
    const [{ patron }, item] = await Promise.all([
      this.patrons.forCirculation(dto.patron),
      this.catalog.getItem(dto.item),
    ]);
    if (dto.dueDate !== undefined && dto.dueDate < localDate(at, tz)) {
      throw new DomainError(ErrorCode.OfflineDateInvalid, `due date ${dto.dueDate} is before the transaction date`, {
        field: 'dueDate',
      });
    }
    const conflicts: { reason: CirculationExceptionReason; message: string }[] = [];
    if (patron.blocks.includes('card_lost'))
      conflicts.push({ reason: 'card_lost', message: `card ${patron.agency}/${patron.barcode} is reported lost` });
    const itemProblem = itemRefusal(item);
    if (itemProblem)
      conflicts.push({
        reason: item.status === 'lost' ? 'item_lost' : 'item_not_loanable',
        message: itemProblem.message,
      });

    const rule = await this.policy.resolve({
      owningBranch: item.homeBranch,
      agency: item.agency,
      patronType: patron.patronType,
      itemType: item.itemType,
    });
    const due = dto.dueDate
      ? { ...dueOn(dto.dueDate, tz), dueBranch: dto.returnBranch ?? dto.branch }
      : await this.calendars.dueAfter(at, rule.loanDays, dto.returnBranch ?? dto.branch);
    const channel = dto.channel ?? 'sip2';
    const loan = newLoan({ patron, item, branch: dto.branch, channel, ruleId: rule.id, checkedOutAt: at, due });
    const ruleView = { id: rule.id, loanDays: rule.loanDays, maxItems: rule.maxItems, maxRenewals: rule.maxRenewals };

    const result = await this.dataSource.transaction(async (m) => {
      const { locked } = await runPlanOnce(
        m,
        { patronLock: lockPatronStep(patron.agency, patron.barcode), locked: openLoanStep(dto.item, true) },
        once,
      );
      const open = locked?.loan ?? null;
      if (open && open.patronAgency === patron.agency && open.patronBarcode === patron.barcode) {
        // the same loan again (e.g. the desk uploaded what the kiosk already sent): nothing changes
        const same: CheckoutResult = { loan: toLoanView(open, now), rule: ruleView };
        if (once) await once.record(m, same);
        return same;
      }
      if (open) {
        // the copy was at the terminal, so the earlier loan had ended: close it as of this transaction
        await this.closeAsOf(m, open, at, dto.branch, channel);
        conflicts.push({
          reason: 'item_on_loan_to_other',
          message: `was on loan to ${open.patronAgency}/${open.patronBarcode} (loan ${open.id}), closed as of ${at.toISOString()}`,
        });
      }
      // as a live checkout: the insert, then the item lock and the copy's holds under it
      const forHolds = { ...loan, recordId: item.recordId };
      const plan = await runPlan(m, {
        inserted: insertIfItemFreeStep(loan, item.recordId),
        ...this.holds.checkoutSteps(forHolds, now),
      });
      if (!plan.inserted)
        throw new DomainError(
          ErrorCode.ItemAlreadyOnLoan,
          `item ${item.agency}/${item.barcode} was lent at the same moment`,
        );
      const heldForOther = await this.holds.settleOfflineCheckout(m, plan.holds, forHolds, now);
      if (heldForOther)
        conflicts.push({
          reason: 'item_held_for_other',
          message:
            `was set aside (${heldForOther.status}) at ${heldForOther.pickupBranch} for hold ${heldForOther.id} of ` +
            `${heldForOther.patronAgency}/${heldForOther.patronBarcode}; that hold waits again`,
        });
      await executeWithCommit(m, [`UPDATE loans.loans SET offline = true WHERE id = $1`, [loan.id]]);
      await this.outbox.add(m, LoanCreated, toLoanEventData(loan, dto.branch, channel), now);
      const recorded: { id: string; reason: string }[] = [];
      for (const c of conflicts) {
        const id = await this.exceptions.add(m, {
          reason: c.reason,
          kind: 'checkout',
          source,
          branch: dto.branch,
          item: dto.item,
          patron: dto.patron,
          transactionAt: at,
          message: c.message,
          loanId: loan.id,
          idempotencyKey: once?.key ?? null,
        });
        recorded.push({ id, reason: c.reason });
      }
      const reply: CheckoutResult = {
        loan: toLoanView(loan, now),
        rule: ruleView,
        ...(recorded.length ? { exceptions: recorded } : {}),
      };
      if (once) await once.record(m, reply);
      return reply;
    });
    this.outbox.notifyCommitted();
    return result;
  }

  private async closeAsOf(
    m: EntityManager,
    open: LoanEntity,
    at: Date,
    branch: string,
    channel: LoanEntity['channel'],
  ): Promise<void> {
    const returnedAt = at.getTime() < open.checkedOutAt.getTime() ? open.checkedOutAt : at;
    await m.query(
      `UPDATE loans.loans SET returned_at = $2, return_branch = $3, return_channel = $4 WHERE id = $1 AND returned_at IS NULL`,
      [open.id, returnedAt, branch, channel],
    );
    Object.assign(open, { returnedAt, returnBranch: branch, returnChannel: channel });
    await this.outbox.add(m, LoanClosed, toLoanEventData(open, branch, channel), returnedAt);
  }
}
