import type { Logger } from 'pino';
import { LoginOutcome, LoginPort } from '../handlers/sip2-handler';
import { TerminalAccountsService } from '../services/terminal-accounts.service';
import { TerminalAccount } from '../services/terminal-account';
import { AttemptLimiter, growingDelayMs, sleep } from './attempt-limiter';
import { Sip2Session } from './sip2-session';

/** Delay before answering a failed 93 within the free budget: slows online guessing, costs others nothing. */
export const FAILED_LOGIN_DELAY_MS = 300;

export interface LoginGateOptions {
  /** wrong terminal passwords per remote address per minute answered after the base delay only */
  freePerMinute: number;
  /** base delay of a failed 93 (doubles per failure beyond the free budget) */
  failedDelayMs?: number;
  /** longest delay of a failed 93 */
  maxDelayMs?: number;
  logger?: Logger;
}

export interface TerminalLoginState {
  loginFailuresLastMinute: number;
  lastLoginFailureFrom: string | null;
}

/**
 * Terminal authentication. Many kiosks of a branch share one address, so wrong passwords from an address
 * never wall it off: every 93 is checked, and failures from an address get a growing delay (the connection
 * waits, and unauthenticated connections are capped per address, so the guess rate stays tiny). A kiosk
 * with the right password is let in at once. Failures are also counted per login for the terminal record.
 */
export class LoginGate implements LoginPort {
  private readonly perAddress: AttemptLimiter;
  private readonly perLogin: AttemptLimiter;
  private readonly lastFailureFrom = new Map<string, string>();
  private readonly alerted = new Map<string, number>();
  /** remote address → login that last succeeded from it (for 99 before 93 on reconnect) */
  private readonly lastLoginByAddress = new Map<string, string>();
  private readonly failedDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly accounts: TerminalAccountsService,
    private readonly opts: LoginGateOptions,
  ) {
    this.perAddress = new AttemptLimiter(Number.MAX_SAFE_INTEGER);
    this.perLogin = new AttemptLimiter(Number.MAX_SAFE_INTEGER);
    this.failedDelayMs = opts.failedDelayMs ?? FAILED_LOGIN_DELAY_MS;
    this.maxDelayMs = Math.max(this.failedDelayMs, opts.maxDelayMs ?? 10_000);
  }

  async login(session: Sip2Session, login: string, password: string): Promise<LoginOutcome> {
    session.verifyingLogin = true;
    let result;
    try {
      result = await this.accounts.checkLogin(login, password);
    } finally {
      session.verifyingLogin = false;
    }
    if (result.ok) {
      if (this.lastLoginByAddress.size > 10_000) this.lastLoginByAddress.clear();
      this.lastLoginByAddress.set(session.remoteAddress, login);
      return result;
    }
    const failures = this.perAddress.recordFailure(session.remoteAddress);
    if (result.account) {
      this.perLogin.recordFailure(result.account.login);
      this.lastFailureFrom.set(result.account.login, session.remoteAddress);
    }
    if (failures > this.opts.freePerMinute) this.alert(session, failures);
    const delay =
      this.failedDelayMs > 0
        ? Math.max(
            this.failedDelayMs,
            growingDelayMs(failures, this.opts.freePerMinute, this.failedDelayMs, this.maxDelayMs),
          )
        : 0;
    await sleep(delay);
    return result;
  }

  private alert(session: Sip2Session, failures: number): void {
    const now = Date.now();
    if ((this.alerted.get(session.remoteAddress) ?? 0) > now - 60_000) return;
    this.alerted.set(session.remoteAddress, now);
    this.opts.logger?.warn(
      {
        event: 'security.terminal-login-guessing',
        remote: session.remoteAddress,
        conn: session.id,
        failuresLastMinute: failures,
      },
      'many wrong SIP2 terminal passwords from one address: failed logins are being delayed',
    );
  }

  state(login: string): TerminalLoginState {
    const n = this.perLogin.count(login);
    return {
      loginFailuresLastMinute: n,
      lastLoginFailureFrom: n > 0 ? (this.lastFailureFrom.get(login) ?? null) : null,
    };
  }

  /** Staff clearing a terminal: its failures and the delays of the addresses they came from are forgotten. */
  clear(login: string): void {
    const from = this.lastFailureFrom.get(login);
    this.perLogin.reset(login);
    this.lastFailureFrom.delete(login);
    if (from) {
      this.perAddress.reset(from);
      this.alerted.delete(from);
    }
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
    this.perAddress.sweep();
    this.perLogin.sweep();
    const cutoff = Date.now() - 60_000;
    for (const [k, t] of this.alerted) if (t < cutoff) this.alerted.delete(k);
    for (const login of [...this.lastFailureFrom.keys()])
      if (this.perLogin.count(login) === 0) this.lastFailureFrom.delete(login);
  }
}
