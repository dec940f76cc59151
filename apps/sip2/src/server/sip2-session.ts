import type { Sip2Charset } from '@app/sip2-protocol';
import type { Sip2ErrorDetectionMode } from '@app/contracts';
import { ScreenLanguage } from '../mapping/screen-messages';
import { TerminalAccount } from '../services/terminal-account';

export type SessionState = 'awaiting-login' | 'logged-in' | 'closing';

/** How frames are read and written on a connection right now. */
export interface WireSettings {
  charset: Sip2Charset;
  delimiter: string;
  terminator: string;
  errorDetection: Sip2ErrorDetectionMode;
}

/** Before a login names the terminal: ASCII-compatible UTF-8, '|', CR, per-message error detection. */
export const DEFAULT_WIRE: WireSettings = {
  charset: 'utf-8',
  delimiter: '|',
  terminator: '\r',
  errorDetection: 'auto',
};

/**
 * Per-connection state. The state machine is small: awaiting-login → logged-in (93 ok) → closing; a failed
 * 93 goes back to awaiting-login (the socket stays open for another attempt, as Evergreen/Koha do).
 */
export class Sip2Session {
  state: SessionState = 'awaiting-login';
  terminal?: TerminalAccount;
  /** account named by the last 93 (even a failed one): its wire settings apply to the 940 reply */
  namedAccount?: TerminalAccount;
  language: ScreenLanguage = 'both';
  /** the language fixed field of the request being handled (23/63 …), for the 'echo' profile */
  requestLanguage?: string;
  refusedBeforeLogin = 0;
  /** consecutive frames we could not use (bad checksum, garbage, oversized) */
  badFrames = 0;
  readonly connectedAt = Date.now();
  /** a 93's password is being verified right now: such a connection is never displaced */
  verifyingLogin = false;

  constructor(
    readonly id: string,
    readonly remoteAddress: string,
    readonly transport: 'tcp' | 'tls',
  ) {}

  get loggedIn(): boolean {
    return this.state === 'logged-in' && this.terminal !== undefined;
  }

  get terminalLogin(): string | undefined {
    return this.terminal?.login ?? this.namedAccount?.login;
  }

  wire(): WireSettings {
    const a = this.terminal ?? this.namedAccount;
    return a
      ? { charset: a.charset, delimiter: a.delimiter, terminator: a.terminator, errorDetection: a.errorDetection }
      : DEFAULT_WIRE;
  }

  loginSucceeded(account: TerminalAccount): void {
    this.state = 'logged-in';
    this.terminal = account;
    this.namedAccount = account;
    this.refusedBeforeLogin = 0;
    // the profile's screen language; a later 23/63 language field still switches it
    this.language = account.screenLanguage;
  }

  loginFailed(named?: TerminalAccount): void {
    this.state = 'awaiting-login';
    this.terminal = undefined;
    this.namedAccount = named;
  }
}
