import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '@app/common';
import { ClosureIdDto, ClosureReport, ClosureView, CreateClosureDto, ErrorCode, ListClosuresDto } from '@app/contracts';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { LoansEnvDto } from '../config/loans-env.dto';
import { addDays, endOfLocalDay } from '@app/time';
import { CacheInvalidationService } from '../shared/cache-invalidation.service';
import { CalendarRepository } from './calendar.repository';
import { CalendarService, toClosureView } from './calendar.service';
import { nextOpenDay } from './opening-calendar';

/** Longer than this is almost certainly a typo in a year; early 2020's network closure was seven weeks. */
const MAX_CLOSURE_DAYS = 366;

/**
 * The closure operation: record a closure (one branch or the whole network) and, in the same
 * transaction, move every open loan due inside it to the next open day after it. Set-based: one
 * query finds which due branches are affected (loans_open_due_date_idx), the new day is computed once
 * per branch from its calendar, and one UPDATE moves all loans. Fines skip the closed days because
 * they are closed days in the calendar.
 */
@Injectable()
export class ClosureService {
  private readonly logger = new Logger(ClosureService.name);

  constructor(
    private readonly db: DataSource,
    private readonly repo: CalendarRepository,
    private readonly calendars: CalendarService,
    private readonly invalidation: CacheInvalidationService,
    private readonly env: LoansEnvDto,
  ) {}

  async create(dto: CreateClosureDto): Promise<ClosureReport> {
    const started = Date.now();
    const kind = dto.kind ?? 'closure';
    const branch = dto.branch ?? null;
    if (dto.to < dto.from)
      throw new DomainError(ErrorCode.ValidationFailed, `to (${dto.to}) is before from (${dto.from})`);
    if (dto.to > addDays(dto.from, MAX_CLOSURE_DAYS - 1)) {
      throw new DomainError(ErrorCode.ValidationFailed, `a closure may last at most ${MAX_CLOSURE_DAYS} days`);
    }
    const tz = this.env.LIBRARY_TIMEZONE;

    // calendars read inside the transaction may be cached with the new closure: drop them either way
    const result = await this.db
      .transaction(async (m) => {
        await this.repo.lockClosures(m);
        // the same closure again (a retried call, or one repeated to catch a loan lent while it ran) is not duplicated
        const closure =
          (await this.repo.findSameClosure(m, branch, dto.from, dto.to, kind)) ??
          (await this.repo.insertClosure(m, {
            id: randomUUID(),
            branch,
            from: dto.from,
            to: dto.to,
            kind,
            reason: dto.reason,
          }));

        const affected: { dueBranch: string }[] = await m.query(
          `SELECT DISTINCT COALESCE(due_branch, checkout_branch) AS "dueBranch" FROM loans.loans
         WHERE returned_at IS NULL AND due_date BETWEEN $1 AND $2 AND ($3::text IS NULL OR COALESCE(due_branch, checkout_branch) = $3)`,
          [dto.from, dto.to, branch],
        );
        const moves: { dueBranch: string; newDueDate: string; dueAt: Date }[] = [];
        for (const { dueBranch } of affected) {
          const cal = await this.calendars.calendarFor(dueBranch, m);
          const span = { from: dto.from, to: dto.to, kind };
          const withClosure = { ...cal, closures: [...cal.closures, span] };
          // a holiday does not close a 24-hour library or a locker: its loans stay due where they are
          if (kind === 'holiday' && cal.alwaysOpen) continue;
          const newDueDate = nextOpenDay(withClosure, addDays(dto.to, 1));
          moves.push({ dueBranch, newDueDate, dueAt: endOfLocalDay(newDueDate, tz) });
        }
        if (moves.length === 0)
          return { closure: await this.repo.addLoansMoved(m, closure.id, 0), counts: new Map<string, number>(), moves };

        const rows: { branch: string; n: number }[] = await m.query(
          `WITH moved AS (
           UPDATE loans.loans l SET due_date = v.due_date, due_at = v.due_at
           FROM (SELECT unnest($3::text[]) AS branch, unnest($4::date[]) AS due_date, unnest($5::timestamptz[]) AS due_at) v
           WHERE l.returned_at IS NULL AND l.due_date BETWEEN $1 AND $2 AND COALESCE(l.due_branch, l.checkout_branch) = v.branch
           RETURNING v.branch)
         SELECT branch, count(*)::int AS n FROM moved GROUP BY branch`,
          [
            dto.from,
            dto.to,
            moves.map((x) => x.dueBranch),
            moves.map((x) => x.newDueDate),
            moves.map((x) => x.dueAt.toISOString()),
          ],
        );
        const counts = new Map(rows.map((r) => [r.branch, r.n]));
        const total = rows.reduce((n, r) => n + r.n, 0);
        return { closure: await this.repo.addLoansMoved(m, closure.id, total), counts, moves };
      })
      .finally(() => this.invalidation.invalidate('calendars'));

    const moves = result.moves
      .filter((x) => result.counts.has(x.dueBranch))
      .map((x) => ({ dueBranch: x.dueBranch, newDueDate: x.newDueDate, loans: result.counts.get(x.dueBranch)! }));
    const loansMoved = moves.reduce((n, x) => n + x.loans, 0);
    this.logger.log(
      `closure ${result.closure.id} (${branch ?? 'network'} ${dto.from}..${dto.to}): ${loansMoved} loans moved in ${Date.now() - started} ms`,
    );
    return { closure: toClosureView(result.closure), loansMoved, moves, tookMs: Date.now() - started };
  }

  async list(dto: ListClosuresDto): Promise<ClosureView[]> {
    return (await this.repo.listClosures(dto.branch, dto.from)).map(toClosureView);
  }

  /** Removing a closure reopens its days for new due dates and fines; loans already moved keep their later day. */
  async delete(dto: ClosureIdDto): Promise<ClosureView> {
    const row = await this.repo.deleteClosure(dto.id);
    if (!row) throw new DomainError(ErrorCode.NotFound, `closure ${dto.id} not found`);
    await this.invalidation.invalidate('calendars');
    return toClosureView(row);
  }
}
