import { ErrorCode, type PatronSummary } from '@app/contracts';
import { formatMoney, Sip2Fields } from '@app/sip2-protocol';
import { patronLanguage, ScreenMessageKey } from '../mapping/screen-messages';
import { patronRefusalKey, patronStatusString, PatronLimits } from '../mapping/patron-status';
import { PatronLookup, say, txDate } from './handler-helpers';
import { HandlerContext } from './sip2-handler';

/** Fixed part shared by 24/26/64: patron status, language, transaction date. */
export function patronFixed(
  ctx: HandlerContext,
  agency: string,
  lookup: PatronLookup,
  summary?: PatronSummary,
  limits?: PatronLimits,
) {
  return {
    patronStatus: patronStatusString(lookup.patron, summary, limits),
    language: languageField(ctx, agency),
    transactionDate: txDate(ctx),
  };
}

/**
 * The 24/26/64 language field: the patron's language (no per-patron preference is stored, so the
 * agency's), or with the terminal profile `languageField: echo` the language the request asked for.
 */
export function languageField(ctx: HandlerContext, agency: string): string {
  const asked = ctx.session.requestLanguage;
  if (ctx.session.terminal?.languageField === 'echo' && asked !== undefined && /^\d{3}$/.test(asked)) return asked;
  return patronLanguage(agency);
}

/** The screen message explaining the patron's state: PIN problems first, then why circulation is refused. */
export function patronMessageKey(lookup: PatronLookup): ScreenMessageKey | undefined {
  if (!lookup.patron) return ErrorCode.PatronUnknown;
  if (lookup.pin === 'throttled') return ErrorCode.PinThrottled;
  if (lookup.pin === 'invalid') return ErrorCode.PinInvalid;
  return patronRefusalKey(lookup.patron) ?? undefined;
}

/** AO/AA/AE/BL/CQ (+ BH/BV when money is owed) and AF, common to 24/26/64. */
export function patronFields(
  ctx: HandlerContext,
  agency: string,
  barcode: string,
  lookup: PatronLookup,
  summary?: PatronSummary,
): Sip2Fields {
  const key = patronMessageKey(lookup);
  const owed = summary?.finesFen ?? 0;
  return {
    institutionId: agency,
    patronIdentifier: barcode,
    personalName: lookup.patron?.name ?? '',
    validPatron: lookup.patron ? 'Y' : 'N',
    ...(lookup.pin !== undefined ? { validPatronPassword: lookup.pin === 'valid' ? 'Y' : 'N' } : {}),
    ...(owed > 0 ? { currencyType: 'CNY', feeAmount: formatMoney(owed) } : {}),
    ...(key ? { screenMessage: [say(ctx, key)] } : {}),
  };
}
