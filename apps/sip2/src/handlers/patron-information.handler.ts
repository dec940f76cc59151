import type { FinesPage, HoldView, LoanView, Page } from '@app/contracts';
import {
  count4,
  createMessage,
  formatMoney,
  parseSummary,
  SummaryItem,
  UNKNOWN_PATRON_STATUS,
} from '@app/sip2-protocol';
import { CURRENCY, fineItemText } from '../mapping/fees';
import { holdLists } from '../mapping/holds';
import { limitsFromSummary } from '../mapping/patron-status';
import { agencyFor, cleanBarcode, lookupPatron, optional, pinOf, say, txDate } from './handler-helpers';
import { languageField, patronFields, patronFixed, patronMessageKey } from './patron-response';
import { defineHandler } from './sip2-handler';

/** Longest item list we send when BP/BQ do not narrow it (keeps the 64 frame a sensible size). */
export const MAX_SUMMARY_ITEMS = 50;
/** Holds read per 64 (counts and AS/CD); the loans service pages at 500. */
const MAX_HOLDS = 500;

/** BP/BQ: 1-based inclusive range into the requested list (Evergreen summary_info). */
export function summaryRange(bp: string | undefined, bq: string | undefined): { start: number; end: number } {
  const n = (v: string | undefined) => (v && /^\s*\d+\s*$/.test(v) ? Number(v) : undefined);
  const start = Math.max(1, n(bp) ?? 1);
  const end = Math.max(start, Math.min(n(bq) ?? start + MAX_SUMMARY_ITEMS - 1, start + MAX_SUMMARY_ITEMS - 1));
  return { start, end };
}

const LOAN_LISTS: ReadonlySet<SummaryItem> = new Set(['overdueItems', 'chargedItems']);

/** What the holds and fines lists hold when the patron summary counts none (nothing asked for). */
const NO_HOLDS: Page<HoldView> = { items: [], total: 0, limit: MAX_HOLDS, offset: 0 };
const NO_FINES: FinesPage = { items: [], total: 0, limit: 1, offset: 0, outstandingFen: 0 };

/**
 * 63 Patron Information → 64 with counts and the one item list the summary field asks for:
 * AS holds on the hold shelf (ready), CD holds not available yet, AV open fines (id, amount, kind, item,
 * title), AT/AU loans. BV = what the patron owes. CC (fee limit) is not sent: the loans service does
 * not expose the fines-block threshold.
 */
export const patronInformationHandler = defineHandler({
  code: '63',
  async handle(req, ctx) {
    const agency = agencyFor(req.fields.institutionId, ctx);
    const raw = req.fields.patronIdentifier ?? '';
    const barcode = cleanBarcode(raw);
    const ref = barcode ? { agency, barcode } : undefined;
    const wanted = parseSummary(req.fixed.summary);
    const none = Promise.resolve(undefined);
    const { start, end } = summaryRange(req.fields.startItem, req.fields.endItem);
    const holdsWanted = wanted === 'holdItems' || wanted === 'unavailableHoldItems';
    const finesWanted = wanted === 'fineItems';
    const holdsPage = () => (ref ? optional(ctx.holds.patronHolds(ref, MAX_HOLDS)) : none);
    // the count comes with any page; the entries only when AV is asked for
    const finesPage = () => (ref ? optional(ctx.fees.openFines(ref, finesWanted ? end : 1)) : none);
    // patron (+PIN), counts and the open loans (only if a loan list is wanted) in parallel; a hold or
    // fine list that is asked for goes with them
    const [lookup, summary, loans, wantedHolds, wantedFines] = await Promise.all([
      lookupPatron(ctx, ref, pinOf(req.fields.patronPassword)),
      ref ? optional(ctx.backend.patronSummary(ref)) : none,
      ref && wanted && LOAN_LISTS.has(wanted) ? ctx.backend.openLoans(ref, 500) : Promise.resolve([] as LoanView[]),
      holdsWanted ? holdsPage() : none,
      finesWanted ? finesPage() : none,
    ]);
    // otherwise the summary's counts say whether there is anything to read: no active holds, nothing
    // owed (an open fine always has something outstanding) → no request; unknown summary → ask
    const [holdPage, fines] = await Promise.all([
      holdsWanted ? wantedHolds : summary?.holds === 0 ? NO_HOLDS : holdsPage(),
      finesWanted ? wantedFines : summary?.finesFen === 0 ? NO_FINES : finesPage(),
    ]);
    const patron = lookup.patron;
    const limits = limitsFromSummary(summary);
    const holds = holdPage ? holdLists(holdPage.items) : undefined;
    const slice = (list: string[]) => list.slice(start - 1, end);
    const lists: Record<string, string[]> = {};
    if (patron && wanted) {
      if (wanted === 'chargedItems') lists.chargedItems = slice((loans ?? []).map((l) => l.item.barcode));
      if (wanted === 'overdueItems')
        lists.overdueItems = slice((loans ?? []).filter((l) => l.overdue).map((l) => l.item.barcode));
      if (wanted === 'holdItems') lists.holdItems = slice(holds?.available ?? []);
      if (wanted === 'unavailableHoldItems') lists.unavailableHoldItems = slice(holds?.unavailable ?? []);
      if (wanted === 'fineItems')
        lists.fineItems = slice(
          (fines?.items ?? []).map((f) =>
            fineItemText(f, say(ctx, f.kind === 'lost_item' ? 'fineLostItem' : 'fineOverdue')),
          ),
        );
      if (wanted === 'recallItems') lists.recallItems = []; // recalls do not exist in this system
    }
    const known = patron !== null && summary !== undefined;
    // a count we could not read is sent as blanks ("unknown"), never as a made-up zero
    const countOf = (n: number | undefined) => count4(patron ? n : 0);
    const fixed = {
      ...patronFixed(ctx, agency, lookup, summary, limits),
      holdItemsCount: countOf(holds?.available.length),
      overdueItemsCount: known ? count4(summary.overdueLoans) : countOf(undefined),
      chargedItemsCount: known ? count4(summary.openLoans) : countOf(undefined),
      fineItemsCount: countOf(fines?.total),
      recallItemsCount: count4(0),
      unavailableHoldsCount: countOf(holds?.unavailable.length),
    };
    const owedFen = summary?.finesFen ?? fines?.outstandingFen ?? 0;
    // contact details only after the patron proved the PIN, unless the terminal profile says otherwise
    const privateOk = lookup.pin === 'valid' || ctx.session.terminal?.contactWithoutPin === true;
    const fields = {
      ...patronFields(ctx, agency, raw, lookup, summary),
      ...(patron && owedFen > 0 ? { currencyType: CURRENCY, feeAmount: formatMoney(owedFen) } : {}),
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
        patronStatus: UNKNOWN_PATRON_STATUS,
        language: languageField(ctx, agency),
        transactionDate: txDate(ctx),
        holdItemsCount: zero,
        overdueItemsCount: zero,
        chargedItemsCount: zero,
        fineItemsCount: zero,
        recallItemsCount: zero,
        unavailableHoldsCount: zero,
      },
      {
        institutionId: agency,
        patronIdentifier: req.fields.patronIdentifier ?? '',
        personalName: '',
        validPatron: 'N',
        screenMessage: [say(ctx, reason)],
      },
    );
  },
});
