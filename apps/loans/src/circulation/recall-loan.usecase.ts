import { Injectable } from '@nestjs/common';
import { DomainError, OutboxService } from '@app/common';
import { ErrorCode, LoanRecalled, LoansRecall, RecallLoanDto, RecallResult } from '@app/contracts';
import { addDays, localDate } from '@app/time';
import { DataSource } from 'typeorm';
import { CalendarService } from '../calendar/calendar.service';
import { LoansEnvDto } from '../config/loans-env.dto';
import { IdempotencyService, OnceWrite, runPlanOnce } from '../shared/idempotency.service';
import { toLoanEventData, toLoanView } from '../shared/loan.mapper';
import { LoanRepository, openLoanStep } from '../shared/loan.repository';

export interface DueDay {
  dueAt: Date;
  dueDate: string;
}

/**
 * The due day after a recall: the recall date when it is earlier than the current due day, else the
 * current one (a recall never gives the reader more time).
 */
export function recalledDue(current: DueDay, recall: DueDay): DueDay & { shortened: boolean } {
  return recall.dueAt.getTime() < current.dueAt.getTime()
    ? { ...recall, shortened: true }
    : { ...current, shortened: false };
}

/**
 * Recall: the item's owner (an interlibrary partner) wants it back. The open loan becomes due
 * `recallDays` from today, moved to the next open day of the branch it is due back at, but never
 * later than it already is; `LoanRecalled` is published for the reader's notice either way (the owner
 * wants it back even when it is due sooner anyway).
 */
@Injectable()
export class RecallLoanUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly loans: LoanRepository,
    private readonly outbox: OutboxService,
    private readonly env: LoansEnvDto,
    private readonly calendars: CalendarService,
    private readonly idempotency: IdempotencyService,
  ) {}

  /** With an idempotency key the reply is stored with the recall; a repeated key answers it again. */
  execute(dto: RecallLoanDto): Promise<RecallResult> {
    return this.idempotency.run(LoansRecall.subject, dto, (once) => this.recall(dto, once));
  }

  private async recall(dto: RecallLoanDto, once: OnceWrite | null): Promise<RecallResult> {
    const now = new Date();
    const today = localDate(now, this.env.LIBRARY_TIMEZONE);
    const result = await this.dataSource.transaction(async (m) => {
      const { locked } = await runPlanOnce(m, { locked: openLoanStep(dto.item, true) }, once);
      const loan = locked?.loan;
      if (!loan)
        throw new DomainError(ErrorCode.LoanNotFound, `no open loan of ${dto.item.agency}/${dto.item.barcode}`);
      const previousDueAt = loan.dueAt;
      const recall = await this.calendars.dueOnOrAfter(
        addDays(today, dto.recallDays),
        loan.dueBranch ?? loan.checkoutBranch,
        m,
      );
      const due = recalledDue({ dueAt: loan.dueAt, dueDate: loan.dueDate }, recall);
      if (due.shortened) {
        loan.dueAt = due.dueAt;
        loan.dueDate = due.dueDate;
        await this.loans.saveRecalledDue(m, loan.id, loan.dueAt, loan.dueDate);
      }
      await this.outbox.add(
        m,
        LoanRecalled,
        toLoanEventData(loan, dto.branch ?? loan.checkoutBranch, dto.channel ?? 'api'),
        now,
      );
      const reply: RecallResult = {
        loan: toLoanView(loan, now),
        previousDueAt: previousDueAt.toISOString(),
        shortened: due.shortened,
      };
      if (once) await once.record(m, reply);
      return reply;
    });
    this.outbox.notifyCommitted();
    return result;
  }
}
