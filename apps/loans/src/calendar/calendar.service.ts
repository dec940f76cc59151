import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { CalendarView, ClosureView, ErrorCode, NETWORK_CALENDAR, UpsertCalendarDto, Weekdays } from '@app/contracts';
import { EntityManager } from 'typeorm';
import { LoansEnvDto } from '../config/loans-env.dto';
import { endOfLocalDay, localDate, addDays } from '@app/time';
import { CacheInvalidationService } from '../shared/cache-invalidation.service';
import { BranchDirectoryService, ALWAYS_OPEN_KINDS } from './branch-directory.service';
import { CalendarRepository, ClosureRow } from './calendar.repository';
import { nextOpenDay, OpeningCalendar, WeeklyHours } from './opening-calendar';

/** Calendars change a few times a year; every replica is told on change, the TTL only bounds a lost message. */
const CACHE_TTL_MS = 5 * 60_000;
const MAX_CACHED = 2_000;

export interface DueDay {
  /** YYYY-MM-DD in the library time zone */
  dueDate: string;
  /** end of that local day, UTC */
  dueAt: Date;
  /** the branch whose calendar was used */
  dueBranch: string;
  /** true when the nominal day was closed and the due day moved */
  moved: boolean;
}

export const toClosureView = (c: ClosureRow): ClosureView => ({
  id: c.id,
  branch: c.branch,
  from: c.from,
  to: c.to,
  kind: c.kind,
  reason: c.reason,
  loansMoved: c.loansMoved,
  createdAt: c.createdAt.toISOString(),
});

/** Opening calendars per branch, cached for the checkout path; due days land on open days. */
@Injectable()
export class CalendarService {
  private readonly cache = new Map<string, { cal: Promise<OpeningCalendar>; expiresAt: number }>();

  constructor(
    private readonly repo: CalendarRepository,
    private readonly branches: BranchDirectoryService,
    private readonly invalidation: CacheInvalidationService,
    private readonly env: LoansEnvDto,
  ) {
    invalidation.on('calendars', () => this.cache.clear());
    invalidation.on('branches', () => this.cache.clear());
  }

  /** The branch's calendar: one cache lookup on the hot path, two indexed reads on a miss. */
  calendarFor(branch: string, m?: EntityManager): Promise<OpeningCalendar> {
    const hit = this.cache.get(branch);
    if (hit && hit.expiresAt > Date.now()) return hit.cal;
    const cal = this.load(branch, m);
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(branch, { cal, expiresAt: Date.now() + CACHE_TTL_MS });
    cal.catch(() => this.cache.delete(branch)); // never cache a failure
    return cal;
  }

  /** Due `days` after the local day of `from`, moved to the next open day of `branch`. */
  async dueAfter(from: Date, days: number, branch: string): Promise<DueDay> {
    return this.dueOnOrAfter(addDays(localDate(from, this.env.LIBRARY_TIMEZONE), days), branch);
  }

  /** `date` if `branch` is open that day, else its next open day. */
  async dueOnOrAfter(date: string, branch: string, m?: EntityManager): Promise<DueDay> {
    const dueDate = nextOpenDay(await this.calendarFor(branch, m), date);
    return {
      dueDate,
      dueAt: endOfLocalDay(dueDate, this.env.LIBRARY_TIMEZONE),
      dueBranch: branch,
      moved: dueDate !== date,
    };
  }

  async view(branch: string): Promise<CalendarView> {
    const today = localDate(new Date(), this.env.LIBRARY_TIMEZONE);
    const [{ own, network }, kind, closures] = await Promise.all([
      this.repo.weeklyHours(branch),
      branch === NETWORK_CALENDAR ? Promise.resolve(null) : this.branches.kindOf(branch),
      branch === NETWORK_CALENDAR
        ? this.repo.listClosures(undefined, today).then((cs) => cs.filter((c) => c.branch === null))
        : this.repo.closuresFor(branch, today),
    ]);
    const alwaysOpen = kind !== null && ALWAYS_OPEN_KINDS.includes(kind);
    const weekly = own ?? (branch === NETWORK_CALENDAR ? null : network);
    return {
      branch,
      branchKind: kind,
      alwaysOpen,
      source: own ? 'branch' : weekly ? 'network' : 'none',
      weeklyHours: weekly ?? {},
      closures: closures.map(toClosureView),
    };
  }

  async list(): Promise<CalendarView[]> {
    const rows = await this.repo.listCalendars();
    const codes = new Set([...rows.map((r) => r.branch), ...(await this.branches.codes())]);
    return Promise.all([...codes].sort().map((b) => this.view(b)));
  }

  async upsert(dto: UpsertCalendarDto): Promise<CalendarView> {
    if (dto.branch !== NETWORK_CALENDAR && (await this.branches.kindOf(dto.branch)) === null) {
      throw new DomainError(ErrorCode.BranchUnknown, `branch ${dto.branch} is not registered in the catalog`);
    }
    const hours: WeeklyHours = {};
    for (const d of Weekdays) {
      const h = dto.weeklyHours[d];
      if (h && h.open >= h.close)
        throw new DomainError(ErrorCode.ValidationFailed, `${d}: open ${h.open} must be before close ${h.close}`);
      hours[d] = h ? { open: h.open, close: h.close } : null;
    }
    await this.repo.upsertWeeklyHours(dto.branch, hours);
    await this.invalidation.invalidate('calendars');
    return this.view(dto.branch);
  }

  /** With `m` (inside a transaction) the two reads run one after the other on that connection. */
  private async load(branch: string, m?: EntityManager): Promise<OpeningCalendar> {
    const alwaysOpen = this.branches.isAlwaysOpen(branch);
    const { own, network } = await this.repo.weeklyHours(branch, m);
    const closures = await this.repo.closuresFor(branch, undefined, m);
    return {
      branch,
      alwaysOpen: await alwaysOpen,
      weekly: own ?? network,
      closures: closures.map((c) => ({ from: c.from, to: c.to, kind: c.kind })),
    };
  }
}
