/** Opening calendars, holidays and closures (loans service). */
export const CalendarSubjects = {
  list: 'loans.calendars.list.v1',
  get: 'loans.calendars.get.v1',
  upsert: 'loans.calendars.upsert.v1',
  createClosure: 'loans.closures.create.v1',
  listClosures: 'loans.closures.list.v1',
  deleteClosure: 'loans.closures.delete.v1',
  /**
   * Plain NATS broadcast (no reply, no queue group): every loans replica drops its cached rules or
   * calendars when one replica changed them.
   */
  cacheInvalidated: 'loans.cache-invalidated.v1',
} as const;
