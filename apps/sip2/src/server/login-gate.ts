import { LoginOutcome, LoginPort } from '../handlers/sip2-handler';
import { TerminalAccountsService } from '../services/terminal-accounts.service';
import { TerminalAccount } from '../services/terminal-account';
import { AttemptLimiter } from './attempt-limiter';
import { Sip2Session } from './sip2-session';

/** Delay before answering a failed 93: slows online guessing, costs nothing to other connections. */
export const FAILED_LOGIN_DELAY_MS = 300;

/**
 * Terminal authentication with a per-remote-address budget of wrong passwords (unknown logins count too).
 * Once over budget, logins from that address are refused without checking the password until the window
 * passes.
 */
export class LoginGate implements LoginPort {
  private readonly failures: AttemptLimiter;
  /** remote address → login that last succeeded from it (for 99 before 93 on reconnect) */
  private readonly lastLoginByAddress = new Map<string, string>();

  constructor(
    private readonly accounts: TerminalAccountsService,
    failuresPerMinute: number,
    private readonly failedDelayMs = FAILED_LOGIN_DELAY_MS,
  ) {
    this.failures = new AttemptLimiter(failuresPerMinute);
  }

  async login(session: Sip2Session, login: string, password: string): Promise<LoginOutcome> {
    if (this.failures.isThrottled(session.remoteAddress)) {
      await this.delay();
      return { ok: false, reason: 'throttled' };
    }
    const result = await this.accounts.checkLogin(login, password);
    if (result.ok) {
      if (this.lastLoginByAddress.size > 10_000) this.lastLoginByAddress.clear();
      this.lastLoginByAddress.set(session.remoteAddress, login);
      return result;
    }
    if (result.reason !== 'disabled') this.failures.recordFailure(session.remoteAddress);
    await this.delay();
    return result;
  }

  /**
   * 99 before 93: answered as the terminal that last logged in from this address when it allows it,
   * else as the first enabled account that allows it (Evergreen's allow_sc_status_then_login).
   */
  async scStatusAccount(session: Sip2Session): Promise<TerminalAccount | null> {
    const last = this.lastLoginByAddress.get(session.remoteAddress);
    if (last) {
      const account = await this.accounts.account(last);
      if (account?.enabled && account.allowScStatusBeforeLogin) return account;
    }
    return (await this.accounts.scStatusBeforeLoginAccounts())[0] ?? null;
  }

  sweep(): void {
    this.failures.sweep();
  }

  private delay(): Promise<void> {
    return this.failedDelayMs > 0 ? new Promise((r) => setTimeout(r, this.failedDelayMs)) : Promise.resolve();
  }
}
