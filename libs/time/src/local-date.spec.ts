import {
  addDays,
  dueAfter,
  dueOn,
  endOfLocalDay,
  localDate,
  maxDate,
  startOfLocalDay,
  zoneOffsetMs,
} from './local-date';

describe('local-date', () => {
  const SH = 'Asia/Shanghai';

  it('reads the local date of an instant in the library time zone', () => {
    expect(localDate(new Date('2025-01-31T15:59:59Z'), SH)).toBe('2025-01-31');
    // 00:30 in Kunshan is still the previous day in UTC
    expect(localDate(new Date('2025-01-31T16:30:00Z'), SH)).toBe('2025-02-01');
    expect(zoneOffsetMs(new Date('2025-06-01T00:00:00Z'), SH)).toBe(8 * 3600_000);
  });

  it('adds calendar days across month, year and leap-day boundaries', () => {
    expect(addDays('2025-01-31', 30)).toBe('2025-03-02');
    expect(addDays('2024-02-01', 30)).toBe('2024-03-02');
    expect(addDays('2025-12-20', 14)).toBe('2026-01-03');
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
    expect(() => addDays('2025-02-30', 1)).toThrow(RangeError);
    expect(() => addDays('20250201', 1)).toThrow(RangeError);
  });

  it('puts the due moment at 23:59:59 local, stored in UTC', () => {
    expect(endOfLocalDay('2025-03-02', SH).toISOString()).toBe('2025-03-02T15:59:59.000Z');
    expect(startOfLocalDay('2025-03-02', SH).toISOString()).toBe('2025-03-01T16:00:00.000Z');
  });

  it('remembers the start of a day per zone without sharing the Date it returns', () => {
    const first = startOfLocalDay('2025-03-02', SH);
    first.setTime(0); // a caller mutating its copy must not change the next answer
    expect(startOfLocalDay('2025-03-02', SH).toISOString()).toBe('2025-03-01T16:00:00.000Z');
    expect(startOfLocalDay('2025-03-02', 'UTC').toISOString()).toBe('2025-03-02T00:00:00.000Z');
    expect(() => startOfLocalDay('2025-02-30', SH)).toThrow(RangeError);
  });

  it('computes a due date from the local checkout date, not the UTC one', () => {
    // checked out at 00:30 on 1 Feb in Kunshan (still 31 Jan in UTC): 30 days from 1 Feb
    const due = dueAfter(new Date('2025-01-31T16:30:00Z'), 30, SH);
    expect(due.dueDate).toBe('2025-03-03');
    expect(due.dueAt.toISOString()).toBe('2025-03-03T15:59:59.000Z');
    expect(dueOn('2025-03-03', SH)).toEqual(due);
  });

  it('stays right across DST changes (New York: 23-hour and 25-hour days)', () => {
    const NY = 'America/New_York';
    // spring forward on 2025-03-09: EST before, EDT after
    expect(startOfLocalDay('2025-03-09', NY).toISOString()).toBe('2025-03-09T05:00:00.000Z');
    expect(endOfLocalDay('2025-03-09', NY).toISOString()).toBe('2025-03-10T03:59:59.000Z');
    // fall back on 2025-11-02
    expect(endOfLocalDay('2025-11-01', NY).toISOString()).toBe('2025-11-02T03:59:59.000Z');
    expect(endOfLocalDay('2025-11-02', NY).toISOString()).toBe('2025-11-03T04:59:59.000Z');
    // a loan spanning the change still ends at 23:59:59 local
    expect(dueAfter(new Date('2025-02-27T15:00:00Z'), 14, NY)).toEqual({
      dueDate: '2025-03-13',
      dueAt: new Date('2025-03-14T03:59:59.000Z'),
    });
  });

  it('handles a zone whose midnight is skipped (America/Santiago, DST starts at 00:00)', () => {
    const CL = 'America/Santiago';
    // 2024-09-08 00:00 → 01:00: the day starts at 01:00 local (-03), the day before ends at 23:59:59 (-04)
    expect(startOfLocalDay('2024-09-08', CL).toISOString()).toBe('2024-09-08T04:00:00.000Z');
    expect(endOfLocalDay('2024-09-07', CL).toISOString()).toBe('2024-09-08T03:59:59.000Z');
    expect(localDate(endOfLocalDay('2024-09-07', CL), CL)).toBe('2024-09-07');
  });

  it('never moves a due date earlier', () => {
    expect(maxDate('2025-03-02', '2025-02-28')).toBe('2025-03-02');
    expect(maxDate('2025-01-01', '2025-01-02')).toBe('2025-01-02');
  });
});
