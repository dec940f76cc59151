import { isOpenOn, nextOpenDay, OpeningCalendar, openDaysBetween, weekdayOf } from './opening-calendar';

const nine = { open: '09:00', close: '21:00' };
// staffed branch closed on Mondays
const branch = (closures: OpeningCalendar['closures'] = []): OpeningCalendar => ({
  branch: 'KSL-ZS',
  alwaysOpen: false,
  weekly: { mon: null, tue: nine, wed: nine, thu: nine, fri: nine, sat: nine, sun: nine },
  closures,
});
const h24 = (closures: OpeningCalendar['closures'] = []): OpeningCalendar => ({
  branch: 'KSL-24H',
  alwaysOpen: true,
  weekly: null,
  closures,
});

describe('opening calendar', () => {
  it('knows the weekday of a date', () => {
    expect(weekdayOf('2026-11-30')).toBe('mon');
    expect(weekdayOf('2026-12-06')).toBe('sun');
    expect(weekdayOf('2024-02-29')).toBe('thu');
  });

  it.each([
    // [case, calendar, date, open?]
    ['Monday at a branch closed on Mondays', branch(), '2026-11-30', false],
    ['Tuesday at that branch', branch(), '2026-12-01', true],
    [
      'a holiday at a staffed branch',
      branch([{ from: '2026-10-01', to: '2026-10-07', kind: 'holiday' }]),
      '2026-10-03',
      false,
    ],
    [
      'a holiday at a 24-hour library',
      h24([{ from: '2026-10-01', to: '2026-10-07', kind: 'holiday' }]),
      '2026-10-03',
      true,
    ],
    [
      'a closure at a 24-hour library',
      h24([{ from: '2026-12-01', to: '2026-12-02', kind: 'closure' }]),
      '2026-12-02',
      false,
    ],
    [
      'the day after a closure',
      branch([{ from: '2026-12-01', to: '2026-12-02', kind: 'closure' }]),
      '2026-12-03',
      true,
    ],
    ['no calendar configured', { branch: 'X', alwaysOpen: false, weekly: null, closures: [] }, '2026-11-30', true],
    [
      'a day with open == close',
      { branch: 'X', alwaysOpen: false, weekly: { tue: { open: '09:00', close: '09:00' } }, closures: [] },
      '2026-12-01',
      false,
    ],
  ] as const)('%s', (_name, cal, date, open) => {
    expect(isOpenOn(cal as OpeningCalendar, date)).toBe(open);
  });

  it('moves a closed day to the next open day, across closures and weekly closed days', () => {
    expect(nextOpenDay(branch(), '2026-12-01')).toBe('2026-12-01');
    expect(nextOpenDay(branch(), '2026-11-30')).toBe('2026-12-01'); // Monday → Tuesday
    // closure Fri..Sun, Monday closed anyway → Tuesday
    const cal = branch([{ from: '2026-12-04', to: '2026-12-06', kind: 'closure' }]);
    expect(nextOpenDay(cal, '2026-12-04')).toBe('2026-12-08');
    // 2020-style seven-week network closure
    const covid = branch([{ from: '2020-01-24', to: '2020-03-12', kind: 'closure' }]);
    expect(nextOpenDay(covid, '2020-02-10')).toBe('2020-03-13');
  });

  it('gives up after a year of closed days instead of looping', () => {
    const never: OpeningCalendar = { branch: 'X', alwaysOpen: false, weekly: {}, closures: [] };
    expect(nextOpenDay(never, '2026-12-01')).toBe('2026-12-01');
  });

  it('counts open days after a date through another', () => {
    // due Sun 2026-11-29, back Thu 2026-12-03: Mon closed → Tue, Wed, Thu
    expect(openDaysBetween(branch(), '2026-11-29', '2026-12-03')).toBe(3);
    expect(openDaysBetween(h24(), '2026-11-29', '2026-12-03')).toBe(4);
    expect(openDaysBetween(branch(), '2026-12-03', '2026-12-03')).toBe(0);
    expect(
      openDaysBetween(branch([{ from: '2026-12-02', to: '2026-12-02', kind: 'closure' }]), '2026-11-29', '2026-12-03'),
    ).toBe(2);
  });
});
