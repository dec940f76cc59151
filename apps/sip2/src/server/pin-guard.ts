import type { Logger } from 'pino';
import { AttemptLimiter, growingDelayMs, sleep } from './attempt-limiter';
import { Sip2Session } from './sip2-session';

export interface PinGuardOptions {
  /** wrong PINs from one terminal (or connection) per minute answered without delay */
  freePerMinute: number;
  /** wrong PINs for one card from one terminal per minute before that card is no longer checked there */
  perCardPerMinute: number;
  /** longest delay before a wrong-PIN answer */
  maxDelayMs: number;
  baseDelayMs?: number;
  logger?: Logger;
}

export interface TerminalPinState {
  pinFailuresLastMinute: number;
  /** delay the next wrong PIN from this terminal will get */
  pinFailureDelayMs: number;
  /** cards no longer checked at this terminal for the rest of the minute */
  throttledCards: number;
}

/**
 * Wrong patron PINs through a kiosk port. A kiosk is one long-lived connection that every reader at it
 * shares, so nothing here may refuse the next reader's correct PIN: a terminal (or a not-logged-in
 * connection) that keeps failing gets a growing delay before each wrong-PIN answer, and only the card
 * being guessed is walled off at that terminal. The patrons service also throttles each card per origin.
 */
export class PinGuard {
  private readonly perSource: AttemptLimiter;
  private readonly perCard: AttemptLimiter;
  private readonly alerted = new Map<string, number>();
  private readonly baseDelayMs: number;

  constructor(private readonly opts: PinGuardOptions) {
    this.perSource = new AttemptLimiter(Number.MAX_SAFE_INTEGER);
    this.perCard = new AttemptLimiter(opts.perCardPerMinute);
    this.baseDelayMs = opts.baseDelayMs ?? 250;
  }

  private source(session: Sip2Session): string {
    return session.terminal ? `t:${session.terminal.login}` : `c:${session.id}`;
  }

  /** True when this card has had too many wrong PINs at this terminal this minute (no PIN is checked). */
  isThrottled(session: Sip2Session, card?: string): boolean {
    return card !== undefined && this.perCard.isThrottled(`${this.source(session)}|${card}`);
  }

  /** Counts a wrong PIN and waits out the terminal's current delay before the caller answers. */
  async recordFailure(session: Sip2Session, card?: string): Promise<void> {
    const source = this.source(session);
    if (card !== undefined) this.perCard.recordFailure(`${source}|${card}`);
    const failures = this.perSource.recordFailure(source);
    if (failures > this.opts.freePerMinute) this.alert(session, source, failures);
    await sleep(growingDelayMs(failures, this.opts.freePerMinute, this.baseDelayMs, this.opts.maxDelayMs));
  }

  /** Operators alert on this event (docs/security.md): once a minute per terminal while it lasts. */
  private alert(session: Sip2Session, source: string, failures: number): void {
    const now = Date.now();
    if ((this.alerted.get(source) ?? 0) > now - 60_000) return;
    this.alerted.set(source, now);
    this.opts.logger?.warn(
      {
        event: 'security.pin-guessing',
        terminal: session.terminal?.login ?? null,
        conn: session.id,
        remote: session.remoteAddress,
        failuresLastMinute: failures,
      },
      'many wrong patron PINs through one SIP2 terminal: answers are being delayed',
    );
  }

  state(login: string): TerminalPinState {
    const source = `t:${login}`;
    const failures = this.perSource.count(source);
    const throttledCards = this.perCard
      .keys()
      .filter((k) => k.startsWith(`${source}|`) && this.perCard.isThrottled(k)).length;
    return {
      pinFailuresLastMinute: failures,
      pinFailureDelayMs: growingDelayMs(failures + 1, this.opts.freePerMinute, this.baseDelayMs, this.opts.maxDelayMs),
      throttledCards,
    };
  }

  /** Staff clearing a terminal: its failures, delays and walled cards are forgotten. */
  clear(login: string): void {
    const source = `t:${login}`;
    this.perSource.reset(source);
    this.perCard.resetWhere((k) => k.startsWith(`${source}|`));
    this.alerted.delete(source);
  }

  forgetConnection(session: Sip2Session): void {
    const source = `c:${session.id}`;
    this.perSource.reset(source);
    this.perCard.resetWhere((k) => k.startsWith(`${source}|`));
    this.alerted.delete(source);
  }

  sweep(): void {
    this.perSource.sweep();
    this.perCard.sweep();
    const cutoff = Date.now() - 60_000;
    for (const [k, t] of this.alerted) if (t < cutoff) this.alerted.delete(k);
  }
}
