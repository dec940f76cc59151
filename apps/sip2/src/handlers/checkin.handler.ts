import { CheckinResult, ErrorCode } from '@app/contracts';
import { createMessage, formatMoney, Sip2Fields } from '@app/sip2-protocol';
import { errorCodeOf } from '../backend/circulation-backend';
import { magneticMedia, mediaType } from '../mapping/item-status';
import { messageKeyForError } from '../mapping/screen-messages';
import { agencyFor, branchOf, cleanBarcode, isUnavailable, say, txDate } from './handler-helpers';
import { optionalSip2Date, sip2IdempotencyKey } from './exactly-once-fields';
import { defineHandler, HandlerContext } from './sip2-handler';

/** 3M alert type (CV): 01 hold for this branch (local hold), 02 hold for another branch (remote hold), 04 send to another branch, 99 other. */
/** A 09 return date at least this far in the past dates the return back (kiosks send "now" for live returns). */
export const BACK_DATED_AFTER_MS = 5 * 60_000;

export const AlertType = { holdHere: '01', holdElsewhere: '02', transit: '04', other: '99' } as const;

export interface CheckinRouting {
  alert: boolean;
  alertType?: string;
  /** CL: HOLDS for the hold shelf here, else the branch code the item goes to (a sorter maps codes to bins) */
  sortBin: string;
  /** CT: where the item goes next (here when it stays) */
  destination: string;
  /** CY: the barcode of the patron the item is set aside for */
  holdPatron?: string;
}

/**
 * Where a returned item goes, as the loans service decided in the same transaction as the return
 * (CheckinResult.hold / transit / sortBin): its hold shelf here (alert, CV 01), a hold shelf elsewhere
 * (alert, CV 02), its home branch (alert, CV 04), or back on the shelf here (no alert).
 */
export function checkinRouting(result: CheckinResult, here: string): CheckinRouting {
  const hold = result.hold ?? null;
  if (hold) {
    const local = hold.status === 'ready';
    return {
      alert: true,
      alertType: local ? AlertType.holdHere : AlertType.holdElsewhere,
      sortBin: result.sortBin || hold.pickupBranch,
      destination: local ? here : hold.pickupBranch,
      holdPatron: hold.patron.barcode,
    };
  }
  const destination = result.destination || here;
  if (result.transit)
    return { alert: true, alertType: AlertType.transit, sortBin: result.sortBin || destination, destination };
  return { alert: false, sortBin: result.sortBin || destination, destination };
}

/** AF lines for a checkin: done (or not on loan), what to do with the item, the fine charged with it. */
export function checkinMessages(ctx: HandlerContext, result: CheckinResult, routing: CheckinRouting): string[] {
  const messages = [say(ctx, result.wasOnLoan ? 'checkedIn' : 'checkedInNotOnLoan')];
  if (routing.alertType === AlertType.holdHere) messages.push(say(ctx, 'holdShelf'));
  else if (routing.alertType === AlertType.holdElsewhere)
    messages.push(say(ctx, 'holdTransit', { dest: routing.destination }));
  else if (routing.alert) messages.push(say(ctx, 'transit', { dest: routing.destination }));
  if (result.fine && result.fine.amountFen > 0)
    messages.push(say(ctx, 'fineCharged', { amount: formatMoney(result.fine.amountFen) }));
  return messages;
}

function failed(ctx: HandlerContext, req: { fields: Sip2Fields }, agency: string, message: string) {
  return createMessage(
    '10',
    { ok: '0', resensitize: 'N', magneticMedia: 'U', alert: 'Y', transactionDate: txDate(ctx) },
    {
      institutionId: agency,
      itemIdentifier: req.fields.itemIdentifier ?? '',
      permanentLocation: '',
      alertType: AlertType.other,
      screenMessage: [message],
    },
  );
}

/**
 * 09 Checkin → 10 via loans.checkin at the terminal's branch. An item that was not on loan is still
 * checked in (ok=1, like Koha's checked_in_ok) with a screen message saying so.
 */
export const checkinHandler = defineHandler({
  code: '09',
  async handle(req, ctx) {
    const agency = agencyFor(req.fields.institutionId, ctx);
    const itemBc = cleanBarcode(req.fields.itemIdentifier);
    if (!itemBc)
      return { response: failed(ctx, req, agency, say(ctx, ErrorCode.ItemUnknown)), outcome: ErrorCode.ItemUnknown };
    const item = { agency, barcode: itemBc };
    const here = branchOf(ctx);
    const profile = ctx.session.terminal;
    // a return date (book drop, sorter, offline) that does not parse is refused, never taken as "now"
    const returned = optionalSip2Date(ctx, req.fixed.returnDate);
    if (!returned.ok)
      return {
        response: failed(ctx, req, agency, say(ctx, ErrorCode.OfflineDateInvalid)),
        outcome: ErrorCode.OfflineDateInvalid,
      };
    const noBlock = req.fixed.noBlock === 'Y';
    // live kiosks send "now" as the return date: only an earlier one (or an offline checkin) dates the return back
    const backDated =
      returned.at !== undefined && (noBlock || ctx.now().getTime() - returned.at.getTime() >= BACK_DATED_AFTER_MS);
    let result: CheckinResult;
    try {
      result = await ctx.backend.checkin(item, here, {
        idempotencyKey: sip2IdempotencyKey(
          ctx,
          '09',
          req.fixed.transactionDate,
          [agency, itemBc],
          `${agency}/${itemBc}`,
        ),
        ...(noBlock ? { noBlock: true } : {}),
        ...(backDated ? { returnedAt: returned.at!.toISOString() } : {}),
        ...(profile?.checkinTrapsHolds === false ? { trapHolds: false } : {}),
      });
    } catch (err) {
      if (isUnavailable(err)) throw err;
      const code = errorCodeOf(err)!;
      return { response: failed(ctx, req, agency, say(ctx, messageKeyForError(code))), outcome: code };
    }
    const routing = checkinRouting(result, here);
    // profile: sorters want ok 0 for an item that was not on loan (their exception bin)
    const ok = result.wasOnLoan || profile?.checkinNotOnLoanOk !== false;
    return {
      response: createMessage(
        '10',
        {
          ok: ok ? '1' : '0',
          resensitize: 'Y',
          magneticMedia: magneticMedia(result.item.itemType),
          alert: routing.alert ? 'Y' : 'N',
          transactionDate: txDate(ctx),
        },
        {
          institutionId: agency,
          itemIdentifier: req.fields.itemIdentifier ?? '',
          permanentLocation: result.item.homeBranch,
          titleIdentifier: result.item.title,
          sortBin: routing.sortBin,
          mediaType: mediaType(result.item.itemType),
          ...(routing.alert ? { destinationLocation: routing.destination, alertType: routing.alertType } : {}),
          ...(routing.holdPatron ? { holdPatronId: routing.holdPatron } : {}),
          screenMessage: checkinMessages(ctx, result, routing),
        },
      ),
      outcome: routing.alert ? `ok-alert-${routing.alertType}` : result.wasOnLoan ? 'ok' : 'not-on-loan',
    };
  },
  refuse(req, ctx, reason) {
    return failed(ctx, req, agencyFor(req.fields.institutionId, ctx), say(ctx, reason));
  },
});
