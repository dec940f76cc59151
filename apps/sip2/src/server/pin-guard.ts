import { AttemptLimiter } from './attempt-limiter';
import { Sip2Session } from './sip2-session';

/**
 * Wrong patron PINs are counted per terminal and per connection (the patrons service also throttles per
 * patron), so one kiosk port cannot be used to guess PINs across many cards.
 */
export class PinGuard {
  private readonly perTerminal: AttemptLimiter;
  private readonly perConnection: AttemptLimiter;

  constructor(perTerminalPerMinute: number, perConnectionPerMinute: number) {
    this.perTerminal = new AttemptLimiter(perTerminalPerMinute);
    this.perConnection = new AttemptLimiter(perConnectionPerMinute);
  }

  isThrottled(session: Sip2Session): boolean {
    return (
      this.perConnection.isThrottled(session.id) || (session.terminal !== undefined && this.perTerminal.isThrottled(session.terminal.login))
    );
  }

  recordFailure(session: Sip2Session): void {
    this.perConnection.recordFailure(session.id);
    if (session.terminal) this.perTerminal.recordFailure(session.terminal.login);
  }

  forgetConnection(session: Sip2Session): void {
    this.perConnection.reset(session.id);
  }

  sweep(): void {
    this.perTerminal.sweep();
    this.perConnection.sweep();
  }
}
