import { createHash, randomUUID } from 'node:crypto';
import { IDEMPOTENCY_KEY_PATTERN } from '@app/contracts';
import { parseSip2Date, SIP2_BLANK_DATE } from '@app/sip2-protocol';
import { HandlerContext } from './sip2-handler';

/** The kiosk's own transaction date is usable as a transaction identity when it is a real date. */
const SIP2_DATE_SHAPE = /^\d{8}.{4}\d{6}$/;

/**
 * The idempotency key of a circulation write from this terminal (docs/sip2.md §4.1): terminal login,
 * message code, the kiosk's own transaction date and the identities (institution, patron, item …).
 * A kiosk that retries after a reconnect resends the same transaction date, so the retry gets the
 * first answer; the AY sequence number is not part of it (it repeats across reconnects). Without a
 * usable transaction date the key is random: still safe against timeouts inside this exchange.
 * `thing` is what the write changes (the copy, or the patron's account): a key repeated after another
 * write on it is a new transaction, not a retransmission (TransactionKeyLedger).
 */
export function sip2IdempotencyKey(
  ctx: HandlerContext,
  code: string,
  transactionDate: string | undefined,
  parts: (string | undefined)[],
  thing: string,
): string {
  const login = ctx.session.terminal?.login;
  if (
    !login ||
    !transactionDate ||
    !SIP2_DATE_SHAPE.test(transactionDate) ||
    parseSip2Date(transactionDate, ctx.timeZone) === undefined
  ) {
    return `sip2:once:${randomUUID()}`;
  }
  const full = `sip2:${login}:${code}:${transactionDate.replace(/ /g, '_')}:${parts.map((p) => p ?? '').join(':')}`;
  const key = IDEMPOTENCY_KEY_PATTERN.test(full) ? full : `sip2:h:${createHash('sha256').update(full).digest('hex')}`;
  return ctx.transactionKeys.keyFor(login, thing, key);
}

export type OfflineDate = { ok: true; at?: Date } | { ok: false };

/** A SIP2 date field that may be blank: blank → no date; a date that does not parse → invalid. */
export function optionalSip2Date(ctx: HandlerContext, text: string | undefined): OfflineDate {
  if (text === undefined || text === SIP2_BLANK_DATE || text.trim() === '') return { ok: true };
  const at = parseSip2Date(text, ctx.timeZone);
  return at ? { ok: true, at } : { ok: false };
}

/** YYYY-MM-DD of an instant in the library's time zone (a kiosk's due date is a local day). */
export function localDay(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}
