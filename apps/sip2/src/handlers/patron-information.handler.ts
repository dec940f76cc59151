import type { LoanView } from '@app/contracts';
import { count4, createMessage, parseSummary, SummaryItem, UNKNOWN_PATRON_STATUS } from '@app/sip2-protocol';
import { limitsFromSummary } from '../mapping/patron-status';
import { patronLanguage } from '../mapping/screen-messages';
import { agencyFor, cleanBarcode, lookupPatron, optional, pinOf, say, txDate } from './handler-helpers';
import { patronFields, patronFixed, patronMessageKey } from './patron-response';
import { defineHandler } from './sip2-handler';

/** Longest item list we send when BP/BQ do not narrow it (keeps the 64 frame a sensible size). */
export const MAX_SUMMARY_ITEMS = 50;

/** BP/BQ: 1-based inclusive range into the requested list (Evergreen summary_info). */
export function summaryRange(bp: string | undefined, bq: string | undefined): { start: number; end: number } {
  const n = (v: string | undefined) => (v && /^\s*\d+\s*$/.test(v) ? Number(v) : undefined);
  const start = Math.max(1, n(bp) ?? 1);
  const end = Math.max(start, Math.min(n(bq) ?? start + MAX_SUMMARY_ITEMS - 1, start + MAX_SUMMARY_ITEMS - 1));
  return { start, end };
}

const LOAN_LISTS: ReadonlySet<SummaryItem> = new Set(['overdueItems', 'chargedItems']);

/** 63 Patron Information → 64 with counts and the one item list the summary field asks for. */
export const patronInformationHandler = defineHandler({
  code: '63',
  async handle(req, ctx) {
    const agency = agencyFor(req.fields.institutionId, ctx);
    const raw = req.fields.patronIdentifier ?? '';
    const barcode = cleanBarcode(raw);
    const ref = barcode ? { agency, barcode } : undefined;
    const wanted = parseSummary(req.fixed.summary);
    const none = Promise.resolve(undefined);
    // independent calls in parallel: patron (+PIN), counts, the open loans only if a loan list is wanted
    const [lookup, summary, loans, holds, fees] = await Promise.all([
      lookupPatron(ctx, ref, pinOf(req.fields.patronPassword)),
      ref ? optional(ctx.backend.patronSummary(ref)) : none,
      ref && wanted && LOAN_LISTS.has(wanted) ? ctx.backend.openLoans(ref, 500) : Promise.resolve([] as LoanView[]),
      ref ? optional(ctx.holds.patronHolds(ref)) : none,
      ref && wanted === 'fineItems' ? optional(ctx.fees.patronFees(ref)) : none,
    ]);
    const patron = lookup.patron;
    const limits = limitsFromSummary(summary);
    const { start, end } = summaryRange(req.fields.startItem, req.fields.endItem);
    const slice = (list: string[]) => list.slice(start - 1, end);
    const lists: Record<string, string[]> = {};
    if (patron && wanted) {
      if (wanted === 'chargedItems') lists.chargedItems = slice((loans ?? []).map((l) => l.item.barcode));
      if (wanted === 'overdueItems') lists.overdueItems = slice((loans ?? []).filter((l) => l.overdue).map((l) => l.item.barcode));
      if (wanted === 'holdItems') lists.holdItems = slice(holds?.available ?? []);
      if (wanted === 'unavailableHoldItems') lists.unavailableHoldItems = slice(holds?.unavailable ?? []);
      if (wanted === 'fineItems') lists.fineItems = slice((fees ?? []).map((f) => f.description));
      if (wanted === 'recallItems') lists.recallItems = []; // recalls do not exist in this system
    }
    const known = patron !== null && summary !== undefined;
    const fixed = {
      ...patronFixed(ctx, agency, lookup, summary, limits),
      holdItemsCount: known ? count4(summary.holds) : count4(patron ? undefined : 0),
      overdueItemsCount: known ? count4(summary.overdueLoans) : count4(patron ? undefined : 0),
      chargedItemsCount: known ? count4(summary.openLoans) : count4(patron ? undefined : 0),
      fineItemsCount: count4(patron ? (fees?.length ?? 0) : 0),
      recallItemsCount: count4(0),
      unavailableHoldsCount: count4(patron ? (holds?.unavailable.length ?? 0) : 0),
    };
    const privateOk = lookup.pin === 'valid'; // contact details only after the patron proved the PIN
    const fields = {
      ...patronFields(ctx, agency, raw, lookup, summary),
      ...(limits.holdItems !== undefined ? { holdItemsLimit: count4(limits.holdItems) } : {}),
      ...(limits.overdueItems !== undefined ? { overdueItemsLimit: count4(limits.overdueItems) } : {}),
      ...(limits.chargedItems !== undefined ? { chargedItemsLimit: count4(limits.chargedItems) } : {}),
      ...lists,
      ...(patron ? { permanentLocation: patron.homeBranch } : {}),
      ...(patron && privateOk && patron.email ? { emailAddress: patron.email } : {}),
      ...(patron && privateOk && patron.phone ? { homePhoneNumber: patron.phone } : {}),
    };
    return { response: createMessage('64', fixed, fields), outcome: patronMessageKey(lookup) ?? 'ok' };
  },
  refuse(req, ctx, reason) {
    const agency = agencyFor(req.fields.institutionId, ctx);
    const zero = count4(0);
    return createMessage(
      '64',
      {
        patronStatus: UNKNOWN_PATRON_STATUS, language: patronLanguage(agency), transactionDate: txDate(ctx),
        holdItemsCount: zero, overdueItemsCount: zero, chargedItemsCount: zero, fineItemsCount: zero, recallItemsCount: zero, unavailableHoldsCount: zero,
      },
      { institutionId: agency, patronIdentifier: req.fields.patronIdentifier ?? '', personalName: '', validPatron: 'N', screenMessage: [say(ctx, reason)] },
    );
  },
});
