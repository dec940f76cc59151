/**
 * Calendar arithmetic in the library's time zone, with Intl only (no tz library).
 *
 * A local date is a 'YYYY-MM-DD' string: it is what a receipt prints and what a patron understands
 * as "due on". Instants are JS Dates (UTC). Conversions go through the zone's UTC offset at the
 * instant concerned, so they stay correct across DST changes in zones that have them.
 */

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // throws RangeError for an unknown zone, which is what we want at boot/first use
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Wall-clock fields of an instant in a zone (month 1-12). */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function intlWallTime(instant: Date, timeZone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
    second: parts.second,
  };
}

const wallAsUtcMs = (w: WallTime): number => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);

/** `wholeMs` is a whole second. */
const intlOffsetMs = (wholeMs: number, timeZone: string): number =>
  wallAsUtcMs(intlWallTime(new Date(wholeMs), timeZone)) - wholeMs;

/*
 * Intl's formatToParts was ~1.5 % of the loans service's CPU (every checkout, renewal and hold reads a
 * local date), so the zone's offset is looked up once per 15-minute slice and reused: wall time = UTC
 * fields of (instant + offset). A slice whose two ends have different offsets holds a transition and
 * is never cached, so DST stays exact. The SIP2 dates (libs/sip2-protocol), loans' due dates and the
 * patrons' "today" all read it from here.
 */
const SLICE_MS = 15 * 60_000;
const SLICE_CACHE_MAX = 4096;
// Outside these years Intl's year and Date.UTC's disagree (BC years; 0-99 read as 19xx) and the slice
// end can fall off the Date range: such instants go to Intl every time, exactly as before.
const CACHED_FROM_MS = Date.UTC(1000, 0, 1);
const CACHED_UNTIL_MS = Date.UTC(9000, 0, 1);
/** zone -> slice start -> offset, or null for a slice with a transition inside */
const sliceOffsets = new Map<string, Map<number, number | null>>();
let cachedSlices = 0;

/** The zone's offset at `ms` when the cache can answer exactly, else null (then ask Intl). */
function cachedOffsetMs(ms: number, timeZone: string): number | null {
  if (!(ms >= CACHED_FROM_MS && ms < CACHED_UNTIL_MS)) return null; // NaN lands here too
  const start = Math.floor(ms / SLICE_MS) * SLICE_MS;
  let zone = sliceOffsets.get(timeZone);
  let offset = zone?.get(start);
  if (offset === undefined) {
    const atStart = intlOffsetMs(start, timeZone); // throws first for an unknown zone
    offset = atStart === intlOffsetMs(start + SLICE_MS, timeZone) ? atStart : null;
    if (cachedSlices >= SLICE_CACHE_MAX) {
      sliceOffsets.clear();
      cachedSlices = 0;
      zone = undefined;
    }
    if (!zone) sliceOffsets.set(timeZone, (zone = new Map()));
    zone.set(start, offset);
    cachedSlices++;
  }
  return offset;
}

/** Wall-clock fields of `instant` in `timeZone`, from the cached offset (Intl only around transitions). */
export function wallTime(instant: Date, timeZone: string): WallTime {
  const ms = instant.getTime();
  const offset = cachedOffsetMs(ms, timeZone);
  if (offset === null) return intlWallTime(instant, timeZone);
  const w = new Date(ms + offset);
  return {
    year: w.getUTCFullYear(),
    month: w.getUTCMonth() + 1,
    day: w.getUTCDate(),
    hour: w.getUTCHours(),
    minute: w.getUTCMinutes(),
    second: w.getUTCSeconds(),
  };
}

/** The zone's offset from UTC at `instant`, in ms (Asia/Shanghai: +8 h). Sub-second precision dropped. */
export function zoneOffsetMs(instant: Date, timeZone: string): number {
  const whole = Math.floor(instant.getTime() / 1000) * 1000;
  return cachedOffsetMs(whole, timeZone) ?? intlOffsetMs(whole, timeZone);
}

/** Throws when `timeZone` is not an IANA zone the runtime knows. */
export function assertTimeZone(timeZone: string): void {
  formatter(timeZone);
}

function parseDate(date: string): { y: number; m: number; d: number } {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) {
    throw new RangeError(`not a calendar date: ${date}`);
  }
  return { y, m: mo, d };
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** The local calendar date of an instant in `timeZone`. */
export function localDate(instant: Date, timeZone: string): string {
  const w = wallTime(instant, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

/** Pure calendar arithmetic: no time zone is involved in counting days. */
export function addDays(date: string, days: number): string {
  const { y, m, d } = parseDate(date);
  const t = new Date(Date.UTC(y, m - 1, d) + days * DAY_MS);
  return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/**
 * The first instant of a local date. When midnight does not exist (a DST gap at 00:00, as in
 * America/Santiago) the day starts when the clocks jump, i.e. at the end of the gap.
 */
export function startOfLocalDay(date: string, timeZone: string): Date {
  // a pure function of its arguments, asked for the same few due dates on every checkout and renewal
  const key = `${timeZone} ${date}`;
  const known = startOfDayCache.get(key);
  if (known !== undefined) return new Date(known);
  const start = computeStartOfLocalDay(date, timeZone);
  if (startOfDayCache.size >= START_OF_DAY_CACHE_MAX) startOfDayCache.clear();
  startOfDayCache.set(key, start.getTime());
  return start;
}

const START_OF_DAY_CACHE_MAX = 10_000;
const startOfDayCache = new Map<string, number>();

function computeStartOfLocalDay(date: string, timeZone: string): Date {
  const { y, m, d } = parseDate(date);
  const guess = Date.UTC(y, m - 1, d); // the wall time read as if it were UTC
  // offsets just before and after any transition near that wall time (zones are within ±14 h of UTC)
  const before = zoneOffsetMs(new Date(guess - DAY_MS), timeZone);
  const after = zoneOffsetMs(new Date(guess + DAY_MS), timeZone);
  // a candidate is right when its own offset maps it back to exactly local midnight
  const candidates = [guess - before, guess - after].filter((t) => zoneOffsetMs(new Date(t), timeZone) === guess - t);
  if (candidates.length > 0) return new Date(Math.min(...candidates));
  // midnight falls in a gap: the day begins at the transition, which is `guess` read with the old offset
  return new Date(guess - before);
}

/** The last second of a local date (23:59:59 local wherever that exists), as a UTC instant. */
export function endOfLocalDay(date: string, timeZone: string): Date {
  return new Date(startOfLocalDay(addDays(date, 1), timeZone).getTime() - 1000);
}

/** Later of two YYYY-MM-DD dates (string order is calendar order). */
export const maxDate = (a: string, b: string): string => (a >= b ? a : b);

export interface DueDate {
  /** YYYY-MM-DD in the library time zone: what the receipt prints */
  dueDate: string;
  /** end of that local day, as a UTC instant */
  dueAt: Date;
}

/** Due `days` after the local date of `from`, at the end of that local day. */
export function dueAfter(from: Date, days: number, timeZone: string): DueDate {
  const dueDate = addDays(localDate(from, timeZone), days);
  return { dueDate, dueAt: endOfLocalDay(dueDate, timeZone) };
}

/** A due date for an explicit local date (e.g. "never earlier than the current due date"). */
export function dueOn(dueDate: string, timeZone: string): DueDate {
  return { dueDate, dueAt: endOfLocalDay(dueDate, timeZone) };
}
