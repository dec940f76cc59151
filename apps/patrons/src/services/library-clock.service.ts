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
  private readonly format: Intl.DateTimeFormat;

  constructor(
    readonly timeZone: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  }

  /** YYYY-MM-DD in the library's zone. */
  today(): string {
    return this.dateOf(this.now());
  }

  dateOf(instant: Date): string {
    const parts = Object.fromEntries(this.format.formatToParts(instant).map((p) => [p.type, p.value]));
    return `${parts.year}-${parts.month}-${parts.day}`;
  }

  isExpired(cardExpiresOn: string, today = this.today()): boolean {
    return isExpiredOn(cardExpiresOn, today);
  }
}
