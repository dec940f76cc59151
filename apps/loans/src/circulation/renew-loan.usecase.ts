import { Injectable } from '@nestjs/common';
import { DomainError, OutboxService, queryTogether } from '@app/common';
import { ErrorCode, LoanRenewed, RenewDto, RenewResult } from '@app/contracts';
import { DataSource } from 'typeorm';
import { PatronsClient } from '../shared/patrons.client';
import { LoansEnvDto } from '../config/loans-env.dto';
import { patronRefusal } from '../rules/circulation-checks';
import { CalendarService } from '../calendar/calendar.service';
import { addDays, localDate, maxDate } from '@app/time';
import { LoanEntity } from '../shared/loan.entity';
import { HoldCirculationService } from '../holds/hold-circulation.service';
import { LoanRepository, openByItemWithRecordStatement } from '../shared/loan.repository';
import { renewalRefusal } from '../rules/loan-limits';
import { LoanPolicyService } from '../rules/loan-policy.service';
import { toLoanEventData, toLoanView } from '../shared/loan.mapper';
import { refuse } from '../rules/refuse';

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
  ) {}

  async execute(dto: RenewDto): Promise<RenewResult> {
    const { patron } = await this.patrons.forCirculation(dto.patron);
    const isTheirs = (l: LoanEntity | null): l is LoanEntity => !!l && l.patronAgency === patron.agency && l.patronBarcode === patron.barcode;
    const notFound = () =>
      new DomainError(ErrorCode.LoanNotFound, `no open loan of ${dto.item.agency}/${dto.item.barcode} for patron ${dto.patron.agency}/${dto.patron.barcode}`);

    const now = new Date();
    const tz = this.env.LIBRARY_TIMEZONE;
    const today = localDate(now, tz);

    const renewed = await this.dataSource.transaction(async (m) => {
      // the loan is read once, locked (a checkin or another renewal waits for this one), and in the same
      // round trip, under the lock, whether other patrons wait for its title
      const [loanRows, waitingRows] = await queryTogether(m, [
        openByItemWithRecordStatement(dto.item, true),
        this.holds.othersWaitingStatement(dto.item, patron, today),
      ]);
      const locked = this.loans.withRecordFrom(loanRows);
      const loan = locked?.loan ?? null;
      if (!isTheirs(loan)) throw notFound();
      refuse(patronRefusal(patron, today));
      // cached; a miss reads through this transaction's connection, never a second one from the pool
      const rule = await this.policy.resolve({ owningBranch: loan.owningBranch, agency: loan.itemAgency, patronType: patron.patronType, itemType: loan.itemType }, m);
      refuse(renewalRefusal(rule, loan.renewals));
      this.holds.refuseRenewalIfOthersWait(waitingRows, dto.item);
      // like a checkout: a closed day moves to the next open day of the branch the loan is due back at
      const due = await this.calendars.dueOnOrAfter(maxDate(addDays(today, rule.renewalDays), loan.dueDate), loan.dueBranch ?? loan.checkoutBranch, m);
      loan.dueAt = due.dueAt;
      loan.dueDate = due.dueDate;
      loan.renewals += 1;
      loan.lastRenewedAt = now;
      await this.loans.saveRenewal(m, loan.id, loan.dueAt, loan.dueDate, loan.renewals, now);
      await this.outbox.add(m, LoanRenewed, toLoanEventData(loan, dto.branch ?? loan.checkoutBranch, dto.channel ?? 'api'), now);
      return loan;
    });
    this.outbox.notifyCommitted();
    return { loan: toLoanView(renewed, now) };
  }
}
