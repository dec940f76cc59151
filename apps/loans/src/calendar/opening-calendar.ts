import type { ClosureKind, Weekday } from '@app/contracts';
import { addDays } from '@app/time';

/**
 * Whether a branch is open on a local date (YYYY-MM-DD, library time zone). Pure: the calendar service
 * loads and caches the data, this decides.
 *
 *   - weekly hours: a weekday without hours is closed (e.g. branches closed on Mondays);
 *   - holidays close staffed branches but not 24-hour libraries or lockers;
 *   - closures (exceptional: maintenance, a network-wide shutdown) close every branch they name,
 *     24-hour libraries and lockers included.
 */
export interface DayHours {
  open: string;
  close: string;
}

export type WeeklyHours = Partial<Record<Weekday, DayHours | null>>;

export interface ClosureSpan {
  from: string;
  to: string;
  kind: ClosureKind;
}

export interface OpeningCalendar {
  branch: string;
  /** 24-hour libraries and lockers: weekly hours and holidays do not apply */
  alwaysOpen: boolean;
  /** null: no calendar configured, every weekday is open */
  weekly: WeeklyHours | null;
  /** the branch's own and the network-wide closures/holidays, any order */
  closures: readonly ClosureSpan[];
}

const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** How far we look for an open day before giving up (a calendar with every day closed). */
export const MAX_SEARCH_DAYS = 400;

export function weekdayOf(date: string): Weekday {
  const [y, m, d] = date.split('-').map(Number);
  return WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()];
}

export function isOpenOn(cal: OpeningCalendar, date: string): boolean {
  for (const c of cal.closures) {
    if (date < c.from || date > c.to) continue;
    if (c.kind === 'closure' || !cal.alwaysOpen) return false;
  }
  if (cal.alwaysOpen || cal.weekly === null) return true;
  const hours = cal.weekly[weekdayOf(date)];
  return !!hours && hours.open < hours.close;
}

/** `date` itself when the branch is open that day, else the first open day after it. */
export function nextOpenDay(cal: OpeningCalendar, date: string): string {
  let d = date;
  for (let i = 0; i < MAX_SEARCH_DAYS; i++, d = addDays(d, 1)) {
    if (isOpenOn(cal, d)) return d;
  }
  // a calendar closed for over a year is a configuration mistake; lend to the nominal day rather than never
  return date;
}

/** Open days d with after < d <= through (the chargeable days of an overdue loan). */
export function openDaysBetween(cal: OpeningCalendar, after: string, through: string): number {
  let n = 0;
  for (let d = addDays(after, 1); d <= through; d = addDays(d, 1)) if (isOpenOn(cal, d)) n++;
  return n;
}

/** An always-open calendar (no calendar configured, or the calendar could not be loaded). */
export const alwaysOpen = (branch: string): OpeningCalendar => ({
  branch,
  alwaysOpen: true,
  weekly: null,
  closures: [],
});
