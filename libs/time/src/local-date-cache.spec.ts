// local-date caches zone offsets per 15-minute slice; these compare it with plain, uncached Intl
// minute by minute where offsets change (DST, odd historical offsets) and where the cache steps aside.
import { endOfLocalDay, localDate, startOfLocalDay, zoneOffsetMs } from './local-date';

const MINUTE = 60_000;
const DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
function intlParts(ms: number, timeZone: string): Record<string, number> {
  let f = formatters.get(timeZone);
  if (!f) {
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
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return parts;
}

/** zoneOffsetMs as it was: Intl on every call. */
function refOffset(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const p = intlParts(whole, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - whole;
}

/** localDate as it was. */
function refLocalDate(ms: number, timeZone: string): string {
  const p = intlParts(ms, timeZone);
  return `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/**
 * Every minute of [from, from + minutes), each read at :00.000, :29.500 and :59.999 (and, walking
 * backwards as well, in an order the cache did not see first), against the uncached reference.
 */
function expectSameAsIntl(timeZone: string, fromIso: string, minutes: number): void {
  const from = Date.parse(fromIso);
  const instants: number[] = [];
  for (let i = 0; i < minutes; i++)
    instants.push(from + i * MINUTE, from + i * MINUTE + 29_500, from + i * MINUTE + 59_999);
  const mismatches: string[] = [];
  for (const ms of [...instants, ...instants.reverse()]) {
    const offset = zoneOffsetMs(new Date(ms), timeZone);
    const date = localDate(new Date(ms), timeZone);
    if (offset !== refOffset(ms, timeZone) || date !== refLocalDate(ms, timeZone)) {
      mismatches.push(
        `${new Date(ms).toISOString()}: ${offset} ${date} vs ${refOffset(ms, timeZone)} ${refLocalDate(ms, timeZone)}`,
      );
    }
  }
  expect(mismatches.slice(0, 5)).toEqual([]);
}

describe('local-date offset cache agrees with uncached Intl', () => {
  it.each([
    // [zone, window start (UTC), minutes, whether the offset changes inside the window]
    // Transitions on a quarter hour fall on slice edges; only the odd LMT/Madras ones land inside a
    // slice, so those two rows are what test that such a slice is never cached.
    ['America/New_York', '2026-03-08T05:00:00Z', 300, true], // 02:00 EST -> 03:00 EDT at 07:00Z
    ['America/New_York', '2026-11-01T04:00:00Z', 300, true], // 02:00 EDT -> 01:00 EST at 06:00Z
    ['Europe/London', '2026-03-28T23:00:00Z', 240, true], // 01:00 GMT -> 02:00 BST
    ['Europe/London', '2026-10-24T23:00:00Z', 240, true], // 02:00 BST -> 01:00 GMT
    ['Asia/Shanghai', '2026-11-24T14:00:00Z', 24 * 60, false], // no DST: the whole local day around midnight
    ['Asia/Shanghai', '1986-05-03T16:00:00Z', 240, true], // China DST 1986-1991: start 1986-05-04 02:00
    ['Asia/Shanghai', '1991-09-14T15:00:00Z', 240, true], // last DST end, 1991-09-15 02:00 -> 01:00
    ['Asia/Shanghai', '1940-05-31T14:00:00Z', 240, true], // wartime DST from 1940-06-01
    ['Asia/Shanghai', '1900-12-31T14:00:00Z', 240, true], // LMT +08:05:43 -> CST +08:00 on 1901-01-01
    ['Asia/Kolkata', '2026-06-30T16:00:00Z', 240, false], // +05:30
    ['Asia/Kolkata', '1905-12-31T16:00:00Z', 240, true], // Madras time +05:21:10 -> IST +05:30 on 1906-01-01
    ['Asia/Kolkata', '1941-09-30T16:00:00Z', 240, true], // IST -> +06:30 in October 1941
    ['Asia/Kathmandu', '1985-12-31T16:00:00Z', 240, true], // +05:30 -> +05:45 on 1986-01-01
    ['Australia/Lord_Howe', '2026-04-04T14:00:00Z', 240, true], // half-hour DST: +11 -> +10:30
    ['America/Santiago', '2024-09-08T02:00:00Z', 240, true], // DST starts at local midnight
    ['UTC', '2026-11-24T23:00:00Z', 120, false],
  ] as const)('%s from %s', (zone, from, minutes, changes) => {
    const start = Date.parse(from);
    // the window really holds a transition (the runtime's tzdata agrees with the comment)
    expect(refOffset(start, zone) !== refOffset(start + minutes * MINUTE, zone)).toBe(changes);
    expectSameAsIntl(zone, from, minutes);
  });

  it('agrees on start and end of every local day for two years, DST zones included', () => {
    for (const zone of [
      'America/New_York',
      'Europe/London',
      'America/Santiago',
      'Australia/Lord_Howe',
      'Asia/Shanghai',
    ]) {
      const wrong: string[] = [];
      for (let t = Date.UTC(2025, 0, 1); t < Date.UTC(2027, 0, 1); t += DAY) {
        const day = new Date(t).toISOString().slice(0, 10);
        const start = startOfLocalDay(day, zone).getTime();
        // the first instant whose local date is `day`: the one before it is the previous day
        if (refLocalDate(start, zone) !== day || refLocalDate(start - 1000, zone) >= day)
          wrong.push(`${zone} ${day} start`);
        const end = endOfLocalDay(day, zone).getTime();
        if (refLocalDate(end, zone) !== day || refLocalDate(end + 1000, zone) <= day) wrong.push(`${zone} ${day} end`);
      }
      expect(wrong).toEqual([]);
    }
  });

  it('leaves instants outside 1000-9000 to Intl, quirks and all', () => {
    for (const ms of [
      Date.UTC(999, 11, 31, 23),
      -62198755200000 - 400 * DAY,
      8.64e15,
      -8.64e15,
      Date.UTC(9500, 0, 1),
    ]) {
      for (const zone of ['Asia/Shanghai', 'America/New_York']) {
        expect([zoneOffsetMs(new Date(ms), zone), localDate(new Date(ms), zone)]).toEqual([
          refOffset(ms, zone),
          refLocalDate(ms, zone),
        ]);
      }
    }
    const year50 = new Date(0);
    year50.setUTCFullYear(50); // Date.UTC reads 50 as 1950: the old result, kept
    expect(zoneOffsetMs(year50, 'Asia/Shanghai')).toBe(refOffset(year50.getTime(), 'Asia/Shanghai'));
  });

  it('still throws RangeError for an unknown zone or an invalid date', () => {
    expect(() => localDate(new Date('2026-01-01T00:00:00Z'), 'Mars/Olympus_Mons')).toThrow(RangeError);
    expect(() => zoneOffsetMs(new Date('2026-01-01T00:00:00Z'), 'Mars/Olympus_Mons')).toThrow(RangeError);
    expect(() => localDate(new Date(NaN), 'Asia/Shanghai')).toThrow(RangeError);
    expect(() => zoneOffsetMs(new Date(NaN), 'Asia/Shanghai')).toThrow(RangeError);
  });

  it('stays right after the cache fills up and is cleared', () => {
    // 6000 slices (> the 4096 bound) in two zones, then read back across the clear
    const from = Date.UTC(2026, 2, 1);
    for (let i = 0; i < 3000; i++) {
      for (const zone of ['America/New_York', 'Europe/London']) zoneOffsetMs(new Date(from + i * 15 * MINUTE), zone);
    }
    expectSameAsIntl('America/New_York', '2026-03-08T06:00:00Z', 120);
    expectSameAsIntl('Europe/London', '2026-03-29T00:00:00Z', 120);
  });
});
