import { Injectable } from '@nestjs/common';
import { DomainError, OutboxService } from '@app/common';
import { CirculationExceptionReason, ErrorCode, LoanRenewed, LoansRenew, RenewDto, RenewResult } from '@app/contracts';
import { DataSource } from 'typeorm';
import { PatronsClient } from '../shared/patrons.client';
import { LoansEnvDto } from '../config/loans-env.dto';
import { patronRefusal } from '../rules/circulation-checks';
import { CalendarService } from '../calendar/calendar.service';
import { addDays, endOfLocalDay, localDate, maxDate } from '@app/time';
import { LoanEntity } from '../shared/loan.entity';
import { HoldCirculationService } from '../holds/hold-circulation.service';
import { LoanRepository, openLoanStep } from '../shared/loan.repository';
import { renewalRefusal } from '../rules/loan-limits';
import { LoanPolicyService } from '../rules/loan-policy.service';
import { toLoanEventData, toLoanView } from '../shared/loan.mapper';
import { refuse } from '../rules/refuse';
import { Refusal } from '../rules/circulation-checks';
import { CirculationExceptionsRepository } from '../shared/circulation-exceptions.repository';
import { IdempotencyService, OnceWrite, runPlanOnce } from '../shared/idempotency.service';
import { OfflinePolicyService } from '../shared/offline-policy.service';

/**
 * Renewal: the open loan must be this patron's; the patron must be in good standing; the rule for
 * (owning branch, patron type, item type) caps the count. Overdue loans may be renewed. The new due
 * date counts from today and never moves earlier than the current one.
 */
@Injectable()
export class RenewLoanUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly patrons: PatronsClient,
    private readonly policy: LoanPolicyService,
    private readonly loans: LoanRepository,
    private readonly outbox: OutboxService,
    private readonly env: LoansEnvDto,
    private readonly calendars: CalendarService,
    private readonly holds: HoldCirculationService,
    private readonly idempotency: IdempotencyService,
    private readonly offline: OfflinePolicyService,
    private readonly exceptions: CirculationExceptionsRepository,
  ) {}

  /** With an idempotency key the reply is stored with the renewal; a repeated key answers it again. */
  execute(dto: RenewDto): Promise<RenewResult> {
    return this.idempotency.run(LoansRenew.subject, dto, (once) => this.renew(dto, once));
  }

  private async renew(dto: RenewDto, once: OnceWrite | null): Promise<RenewResult> {
    const { patron } = await this.patrons.forCirculation(dto.patron);
    const isTheirs = (l: LoanEntity | null): l is LoanEntity =>
      !!l && l.patronAgency === patron.agency && l.patronBarcode === patron.barcode;
    const notFound = () =>
      new DomainError(
        ErrorCode.LoanNotFound,
        `no open loan of ${dto.item.agency}/${dto.item.barcode} for patron ${dto.patron.agency}/${dto.patron.barcode}`,
      );

    const now = new Date();
    const tz = this.env.LIBRARY_TIMEZONE;
    // no-block (offline): renewed as of the terminal's transaction date, with the due day it gave
    const at = dto.noBlock ? this.offline.instant(dto.transactionAt, dto.item.agency, now, 'transactionAt') : now;
    const today = localDate(at, tz);
    // a live renewal is refused; an offline one is applied and what would have refused it goes on the exceptions list
    const waived: Refusal[] = [];
    const check = (r: Refusal | null) => {
      if (r && dto.noBlock) waived.push(r);
      else refuse(r);
    };

    const recorded: { id: string; reason: string }[] = [];
    const renewed = await this.dataSource.transaction(async (m) => {
      // the loan is read once, locked (a checkin or another renewal waits for this one), and in the same
      // round trip, under the lock, whether other patrons wait for its title (and a key's stored outcome)
      const result = await runPlanOnce(
        m,
        {
          locked: openLoanStep(dto.item, true, true),
          othersWait: this.holds.othersWaitingStep(dto.item, patron, today),
        },
        once,
      );
      const loan = result.locked?.loan ?? null;
      if (!isTheirs(loan)) throw notFound();
      check(patronRefusal(patron, today));
      // cached; a miss reads through this transaction's connection, never a second one from the pool
      const rule = await this.policy.resolve(
        {
          owningBranch: loan.owningBranch,
          agency: loan.itemAgency,
          patronType: patron.patronType,
          itemType: loan.itemType,
        },
        m,
      );
      check(renewalRefusal(rule, loan.renewals, loan.dueDate, today));
      try {
        this.holds.refuseRenewalIfOthersWait(result.othersWait, dto.item);
      } catch (err) {
        if (!(dto.noBlock && err instanceof DomainError)) throw err;
        waived.push({ code: err.code as ErrorCode, message: err.message });
      }
      // like a checkout: a closed day moves to the next open day of the branch the loan is due back at
      const due =
        dto.noBlock && dto.dueDate
          ? { dueDate: dto.dueDate, dueAt: endOfLocalDay(dto.dueDate, tz) }
          : await this.calendars.dueOnOrAfter(
              maxDate(addDays(today, rule.renewalDays), loan.dueDate),
              loan.dueBranch ?? loan.checkoutBranch,
              m,
            );
      loan.dueAt = due.dueAt;
      loan.dueDate = due.dueDate;
      loan.renewals += 1;
      loan.lastRenewedAt = now;
      await this.loans.saveRenewal(m, loan.id, loan.dueAt, loan.dueDate, loan.renewals, now);
      await this.outbox.add(
        m,
        LoanRenewed,
        toLoanEventData(loan, dto.branch ?? loan.checkoutBranch, dto.channel ?? 'api'),
        now,
      );
      for (const r of waived) {
        const reason = r.code.toLowerCase() as CirculationExceptionReason;
        const id = await this.exceptions.add(m, {
          reason,
          kind: 'renew',
          source: dto.channel ?? 'api',
          branch: dto.branch ?? loan.checkoutBranch,
          item: dto.item,
          patron: dto.patron,
          transactionAt: at,
          message: r.message,
          loanId: loan.id,
          idempotencyKey: once?.key ?? null,
        });
        recorded.push({ id, reason });
      }
      const reply: RenewResult = { loan: toLoanView(loan, now), ...(recorded.length ? { exceptions: recorded } : {}) };
      if (once) await once.record(m, reply);
      return reply;
    });
    this.outbox.notifyCommitted();
    return renewed;
  }
}
