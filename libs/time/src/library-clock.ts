import { assertTimeZone, localDate } from './local-date';

/** Expired when the expiry date is before today (the expiry day itself is still valid). */
export const isExpiredOn = (cardExpiresOn: string, today: string): boolean =>
  // both are zero-padded YYYY-MM-DD, so string order is date order
  cardExpiresOn < today;

/**
 * "Today" as a calendar date in the library's time zone. A card expiring on 2028-12-31 is valid
 * through that day in Kunshan, whatever zone the server (or the UTC database session) runs in, so the
 * date is computed with Intl in LIBRARY_TIMEZONE and never with server-local Date getters.
 */
export class LibraryClock {
  constructor(
    readonly timeZone: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    assertTimeZone(timeZone);
  }

  /** the UTC minute of the last `today()` and its answer: every patron view asks, Intl is not free */
  private lastMinute = NaN;
  private lastToday = '';

  /**
   * YYYY-MM-DD in the library's zone. Remembered for the current UTC minute: a local date can only
   * change on a whole minute (every zone's offset since 1972 is a whole number of minutes).
   */
  today(): string {
    const now = this.now();
    const minute = Math.floor(now.getTime() / 60_000);
    if (minute !== this.lastMinute) {
      this.lastToday = this.dateOf(now);
      this.lastMinute = minute;
    }
    return this.lastToday;
  }

  dateOf(instant: Date): string {
    return localDate(instant, this.timeZone);
  }

  isExpired(cardExpiresOn: string, today = this.today()): boolean {
    return isExpiredOn(cardExpiresOn, today);
  }
}
