import { BARCODE_PATTERN, ErrorCode, ISIL_PATTERN, LoanView, PatronView } from '@app/contracts';
import { createMessage, formatSip2Date, Sip2Fields } from '@app/sip2-protocol';
import { errorCodeOf, Ref } from '../backend/circulation-backend';
import { mediaType } from '../mapping/item-status';
import { ScreenMessageKey, screenMessage } from '../mapping/screen-messages';
import { HandlerContext } from './sip2-handler';

/** 18-char transaction date, local wall time of the library. */
export const txDate = (ctx: HandlerContext): string => formatSip2Date(ctx.now(), ctx.timeZone);

export const sipDate = (iso: string, ctx: HandlerContext): string => formatSip2Date(new Date(iso), ctx.timeZone);

/** The agency for (agency, barcode) identities: the message's AO when it is an ISIL, else the terminal's. */
export function agencyFor(ao: string | undefined, ctx: HandlerContext): string {
  const v = ao?.trim();
  if (v && ISIL_PATTERN.test(v)) return v;
  return ctx.session.terminal?.institutionId ?? v ?? '';
}

/** Barcodes arrive with stray spaces (FOLIO SIP2-98); anything not barcode-shaped is never sent onward. */
export function cleanBarcode(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t && BARCODE_PATTERN.test(t) ? t : undefined;
}

export const say = (ctx: HandlerContext, key: ScreenMessageKey, vars?: Record<string, string | number>): string =>
  screenMessage(key, ctx.session.language, vars);

export const branchOf = (ctx: HandlerContext): string => ctx.session.terminal?.location ?? '';

const NOT_FOUND = new Set<string>([ErrorCode.PatronUnknown, ErrorCode.NotFound, ErrorCode.ValidationFailed]);
const UNAVAILABLE = new Set<string>([ErrorCode.Timeout, ErrorCode.ServiceUnavailable, ErrorCode.Internal]);

/** Backend failures (timeout, no responders, internal) that the dispatcher turns into a refusal. */
export function isUnavailable(err: unknown): boolean {
  const code = errorCodeOf(err);
  return code === undefined || UNAVAILABLE.has(code);
}

export type PinCheck = 'valid' | 'invalid' | 'throttled';

export interface PatronLookup {
  patron: PatronView | null;
  /** set when a PIN (AD) was given */
  pin?: PinCheck;
}

/** Where PIN checks from this session come from, for the patrons service's per-origin throttle. */
export const pinOriginOf = (ctx: HandlerContext): string => `sip2:${ctx.session.terminal?.login ?? ctx.session.id}`;

/** Non-empty AD only: an empty AD means the kiosk did not ask for a PIN. */
export const pinOf = (ad: string | undefined): string | undefined => (ad !== undefined && ad !== '' ? ad : undefined);

async function patronOrNull(ctx: HandlerContext, ref: Ref): Promise<PatronView | null> {
  try {
    return await ctx.backend.getPatron(ref);
  } catch (err) {
    if (NOT_FOUND.has(errorCodeOf(err) ?? '')) return null;
    throw err;
  }
}

/**
 * The patron, and the PIN verdict when a PIN is given. Wrong PINs (and PIN attempts on unknown cards,
 * i.e. barcode guessing) count against the terminal (growing delays) and against the card at this
 * terminal (once throttled, that card's PIN is not checked here until the window passes); other readers
 * at the same kiosk are unaffected.
 */
export async function lookupPatron(
  ctx: HandlerContext,
  ref: Ref | undefined,
  pin: string | undefined,
): Promise<PatronLookup> {
  if (!ref) return { patron: null, ...(pin !== undefined ? { pin: 'invalid' as const } : {}) };
  if (pin === undefined) return { patron: await patronOrNull(ctx, ref) };
  const card = `${ref.agency}/${ref.barcode}`;
  if (ctx.pins.isThrottled(ctx.session, card)) {
    ctx.pinEvents.pinThrottled();
    return { patron: await patronOrNull(ctx, ref), pin: 'throttled' };
  }
  try {
    const r = await ctx.backend.verifyPin(ref, pin, pinOriginOf(ctx));
    if (r.throttled) {
      ctx.pinEvents.pinThrottled();
      return { patron: r.patron, pin: 'throttled' };
    }
    if (!r.valid) {
      await ctx.pins.recordFailure(ctx.session, card);
      ctx.pinEvents.pinFailed();
      return { patron: r.patron, pin: 'invalid' };
    }
    return { patron: r.patron, pin: 'valid' };
  } catch (err) {
    if (!NOT_FOUND.has(errorCodeOf(err) ?? '')) throw err;
    await ctx.pins.recordFailure(ctx.session, card);
    ctx.pinEvents.pinFailed();
    return { patron: null, pin: 'invalid' };
  }
}

/** Resolve to undefined instead of rejecting: for optional, independent calls (summary counts). */
export const optional = <T>(p: Promise<T>): Promise<T | undefined> => p.catch(() => undefined);

/** What a successful checkout (12) or renewal (30) says about the loan: AO/AA/AB echoed, AJ title, AH due date, CK media type. */
export function loanFields(
  ctx: HandlerContext,
  req: { fields: Sip2Fields },
  agency: string,
  loan: LoanView,
): Sip2Fields {
  return {
    institutionId: agency,
    patronIdentifier: req.fields.patronIdentifier ?? '',
    itemIdentifier: req.fields.itemIdentifier ?? '',
    titleIdentifier: loan.title,
    dueDate: sipDate(loan.dueAt, ctx),
    mediaType: mediaType(loan.itemType),
  };
}

/**
 * The refusal of a checkout (12) or a renewal (30): the two answers share their fixed fields and field
 * layout and differ only in the title (AJ) they echo. `extra` lands before the screen message (AF).
 */
export function circulationRefusal(
  code: '12' | '30',
  ctx: HandlerContext,
  req: { fields: Sip2Fields },
  agency: string,
  titleIdentifier: string,
  message: string,
  extra: Sip2Fields = {},
) {
  return createMessage(
    code,
    { ok: '0', renewalOk: 'N', magneticMedia: 'U', desensitize: 'N', transactionDate: txDate(ctx) },
    {
      institutionId: agency,
      patronIdentifier: req.fields.patronIdentifier ?? '',
      itemIdentifier: req.fields.itemIdentifier ?? '',
      titleIdentifier,
      dueDate: '',
      ...extra,
      screenMessage: [message],
    },
  );
}
