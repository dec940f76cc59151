import type { AnySip2Message, Sip2Message, Sip2RequestCode } from '@app/sip2-protocol';
import type { CirculationBackend } from '../backend/circulation-backend';
import type { FeesPort } from '../backend/fees.port';
import type { HoldsPort } from '../backend/holds.port';
import type { ScreenMessageKey } from '../mapping/screen-messages';
import type { PinGuard } from '../server/pin-guard';
import type { Sip2Session } from '../server/sip2-session';
import type { TransactionKeyLedger } from '../server/transaction-keys';
import type { TerminalAccount } from '../services/terminal-account';

export type LoginOutcome =
  | { ok: true; account: TerminalAccount }
  | { ok: false; reason: 'unknown' | 'disabled' | 'bad-password' | 'throttled'; account?: TerminalAccount };

/** Terminal authentication as the 93/99 handlers see it (throttling per remote address lives behind it). */
export interface LoginPort {
  login(session: Sip2Session, login: string, password: string): Promise<LoginOutcome>;
  /** the account a 99 before 93 is answered as, or null when no account allows it */
  scStatusAccount(session: Sip2Session): Promise<TerminalAccount | null>;
}

export interface PinEvents {
  pinFailed(): void;
  pinThrottled(): void;
}

/** Everything a message handler may use. No sockets, no Nest: handlers are plain functions over this. */
export interface HandlerContext {
  session: Sip2Session;
  backend: CirculationBackend;
  holds: HoldsPort;
  fees: FeesPort;
  pins: PinGuard;
  pinEvents: PinEvents;
  logins: LoginPort;
  /** LIBRARY_TIMEZONE: transaction dates and due dates are local wall time with 4 blanks */
  timeZone: string;
  now(): Date;
  /** 98 timeout period, 3 digits in tenths of a second */
  acsTimeoutPeriod: string;
  /** tells a retransmitted write from a new one that builds the same idempotency key (one per process) */
  transactionKeys: TransactionKeyLedger;
}

export interface HandlerResult {
  response: AnySip2Message;
  /** short machine-readable outcome for the exchange log line and metrics (e.g. 'ok', 'ITEM_UNKNOWN') */
  outcome: string;
  /** true when the answer is negative because something failed (not a business refusal) */
  error?: boolean;
}

/**
 * One entry of the handler table: how to execute a request and how to refuse it (before login, or when a
 * backend is unavailable) with the matching negative response.
 */
export interface Sip2Handler<C extends Sip2RequestCode = Sip2RequestCode> {
  readonly code: C;
  handle(request: Sip2Message<C>, ctx: HandlerContext): Promise<HandlerResult>;
  refuse(request: Sip2Message<C>, ctx: HandlerContext, reason: ScreenMessageKey): AnySip2Message;
}

export type Sip2HandlerTable = { [C in Sip2RequestCode]?: Sip2Handler<C> };

/** Identity helper so each handler file type-checks against its own message code. */
export function defineHandler<C extends Sip2RequestCode>(handler: Sip2Handler<C>): Sip2Handler<C> {
  return handler;
}
