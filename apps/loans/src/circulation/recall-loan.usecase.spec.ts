import { recalledDue } from './recall-loan.usecase';

const day = (date: string) => ({ dueDate: date, dueAt: new Date(`${date}T15:59:59.999Z`) });

describe('recalledDue', () => {
  it('moves the due day to the recall date when that is earlier', () => {
    expect(recalledDue(day('2026-12-31'), day('2026-12-10'))).toEqual({ ...day('2026-12-10'), shortened: true });
  });

  it('never gives the reader more time: a later recall date keeps the current due day', () => {
    expect(recalledDue(day('2026-12-05'), day('2026-12-10'))).toEqual({ ...day('2026-12-05'), shortened: false });
  });

  it('the same day is no shortening', () => {
    expect(recalledDue(day('2026-12-10'), day('2026-12-10'))).toEqual({ ...day('2026-12-10'), shortened: false });
  });
});
