import { OpeningCalendar } from '../calendar/opening-calendar';
import { overdueFine } from './overdue-fine';

const nine = { open: '09:00', close: '21:00' };
const closedMondays: OpeningCalendar = {
  branch: 'KSL-MAIN',
  alwaysOpen: false,
  weekly: { mon: null, tue: nine, wed: nine, thu: nine, fri: nine, sat: nine, sun: nine },
  closures: [{ from: '2026-12-10', to: '2026-12-12', kind: 'closure' }],
};
const h24: OpeningCalendar = { branch: 'KSL-24H', alwaysOpen: true, weekly: null, closures: [] };
const terms = { finePerDayFen: 10, fineCapFen: 3000, graceDays: 0 };

describe('overdue fine', () => {
  // due Sun 2026-11-29 at a branch closed on Mondays
  it.each([
    // [case, terms, calendar, stop date, chargeable days, fen]
    ['returned on the due day', terms, closedMondays, '2026-11-29', 0, 0],
    ['returned on the closed Monday after', terms, closedMondays, '2026-11-30', 0, 0],
    ['returned Tuesday: one open day', terms, closedMondays, '2026-12-01', 1, 10],
    ['returned after a week: six open days', terms, closedMondays, '2026-12-06', 6, 60],
    ['the same week at a 24-hour library: seven days', terms, h24, '2026-12-06', 7, 70],
    ['across a three-day closure and two Mondays', terms, closedMondays, '2026-12-13', 9, 90],
    ['within three grace days: nothing', { ...terms, graceDays: 3 }, closedMondays, '2026-12-03', 3, 0],
    ['past grace: every chargeable day', { ...terms, graceDays: 3 }, closedMondays, '2026-12-04', 4, 40],
    ['capped per loan', { ...terms, fineCapFen: 50 }, closedMondays, '2026-12-06', 6, 50],
    ['uncapped when the cap is 0', { ...terms, fineCapFen: 0, finePerDayFen: 1000 }, h24, '2027-01-28', 60, 60000],
    ['no fine when the rule has none', { ...terms, finePerDayFen: 0 }, h24, '2026-12-06', 7, 0],
  ] as const)('%s', (_case, t, cal, stop, days, fen) => {
    expect(overdueFine(t, '2026-11-29', stop, cal)).toEqual({ chargeableDays: days, amountFen: fen });
  });
});
