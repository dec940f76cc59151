// Value helpers for building fixed and variable fields without locale surprises (FOLIO SIP2-300:
// decimal commas in BV) and without delimiter/CR leaking into values (Evergreen/Koha add_field).
import type { Sip2RequestCode } from './message-spec';
import { SUPPORTED_MESSAGES_ORDER } from './message-spec';

export const MAX_FIELD_LENGTH = 255;

export interface EscapeOptions {
  delimiter?: string;
  maxLength?: number;
}

/**
 * Makes a variable-field value safe: the delimiter becomes its HTML entity (`|` -> `&#124;`, as
 * Evergreen/Koha do), CR/LF become spaces (Koha), NUL is dropped, and the result is capped to
 * `maxLength` (255) characters on a code-point boundary (never splitting a surrogate pair).
 */
export function escapeValue(value: string, options: EscapeOptions = {}): string {
  const delimiter = options.delimiter ?? '|';
  const max = options.maxLength ?? MAX_FIELD_LENGTH;
  let v = value.replace(/[\r\n]/g, ' ').replace(/\0/g, '');
  if (v.includes(delimiter)) v = v.split(delimiter).join(`&#${delimiter.codePointAt(0)};`);
  if (v.length > max) {
    const cps = Array.from(v);
    if (cps.length > max) v = cps.slice(0, max).join('');
  }
  return v;
}

/** Reverses the delimiter entity (display only; the wire value keeps the entity). */
export function unescapeValue(value: string, delimiter = '|'): string {
  return value.split(`&#${delimiter.codePointAt(0)};`).join(delimiter);
}

/** Money in fen (integer minor units) -> "12.50". No locale formatting, no thousands separators. */
export function formatMoney(fen: number | bigint): string {
  if (typeof fen === 'number' && !Number.isSafeInteger(fen)) throw new RangeError(`fen must be an integer: ${fen}`);
  const n = BigInt(fen);
  const abs = n < 0n ? -n : n;
  return `${n < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

/** "12.5", "12.50", "0.0", "12", "-3.00", "12,50" -> fen integer; undefined when not a plain amount. */
export function parseMoney(text: string): number | undefined {
  const m = /^\s*([-+]?)(\d*)(?:[.,](\d*))?\s*$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const frac = m[3] ?? '';
  if (/[1-9]/.test(frac.slice(2))) return undefined; // sub-fen precision: refuse rather than round
  const fen = Number(m[2] || '0') * 100 + Number(frac.slice(0, 2).padEnd(2, '0'));
  if (!Number.isSafeInteger(fen)) return undefined;
  return m[1] === '-' ? -fen : fen;
}

export const yn = (value: boolean): 'Y' | 'N' => (value ? 'Y' : 'N');
/** 'Y'/'y'/'1' -> true, 'N'/'n'/'0' -> false, anything else (incl. 'U', blank) -> undefined. */
export function parseYN(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toUpperCase();
  return v === 'Y' || v === '1' ? true : v === 'N' || v === '0' ? false : undefined;
}

/** Zero-padded unsigned number of exact `width` (clamped to the max, e.g. 9999). */
export function digits(n: number, width: number): string {
  const max = 10 ** width - 1;
  return String(Math.max(0, Math.min(max, Math.trunc(n)))).padStart(width, '0');
}

/** 4-digit count for 64/66 fixed fields; undefined -> 4 blanks ("unsupported", Sip.pm add_count). */
export function count4(n: number | undefined): string {
  return n === undefined ? '    ' : digits(n, 4);
}

/** The 14 patron-status positions, in wire order ('Y' = denied/true, ' ' = not). */
export const PATRON_STATUS_FLAGS = [
  'chargePrivilegesDenied',
  'renewalPrivilegesDenied',
  'recallPrivilegesDenied',
  'holdPrivilegesDenied',
  'cardReportedLost',
  'tooManyItemsCharged',
  'tooManyItemsOverdue',
  'tooManyRenewals',
  'tooManyClaimsOfItemsReturned',
  'tooManyItemsLost',
  'excessiveOutstandingFines',
  'excessiveOutstandingFees',
  'recallOverdue',
  'tooManyItemsBilled',
] as const;
export type PatronStatusFlag = (typeof PATRON_STATUS_FLAGS)[number];
export type PatronStatusFlags = Partial<Record<PatronStatusFlag, boolean>>;

export function formatPatronStatus(flags: PatronStatusFlags): string {
  return PATRON_STATUS_FLAGS.map((f) => (flags[f] ? 'Y' : ' ')).join('');
}

export function parsePatronStatus(text: string): Record<PatronStatusFlag, boolean> {
  const out = {} as Record<PatronStatusFlag, boolean>;
  PATRON_STATUS_FLAGS.forEach((f, i) => (out[f] = (text[i] ?? ' ').toUpperCase() === 'Y'));
  return out;
}

/** Unknown patron per Evergreen build_patron_status: first 4 positions denied. */
export const UNKNOWN_PATRON_STATUS = 'YYYY' + ' '.repeat(10);

/** BX value: 16 Y/N in SUPPORTED_MESSAGES_ORDER. */
export function formatSupportedMessages(codes: Iterable<Sip2RequestCode>): string {
  const set = new Set<string>(codes);
  return SUPPORTED_MESSAGES_ORDER.map((c) => yn(set.has(c))).join('');
}

export function parseSupportedMessages(bx: string): Sip2RequestCode[] {
  return SUPPORTED_MESSAGES_ORDER.filter((_, i) => (bx[i] ?? 'N').toUpperCase() === 'Y');
}

/** Summary (63, 10 chars): position -> item list requested. FOLIO adds a 7th, extendedFees. */
export const SUMMARY_ITEMS = [
  'holdItems',
  'overdueItems',
  'chargedItems',
  'fineItems',
  'recallItems',
  'unavailableHoldItems',
  'extendedFees',
] as const;
export type SummaryItem = (typeof SUMMARY_ITEMS)[number];

export function formatSummary(item?: SummaryItem): string {
  const chars = Array(10).fill(' ');
  if (item) chars[SUMMARY_ITEMS.indexOf(item)] = 'Y';
  return chars.join('');
}

/** First position marked 'Y' (the spec allows at most one); undefined when none. */
export function parseSummary(summary: string): SummaryItem | undefined {
  const i = Array.from(SUMMARY_ITEMS).findIndex((_, k) => (summary[k] ?? ' ').toUpperCase() === 'Y');
  return i < 0 ? undefined : SUMMARY_ITEMS[i];
}
