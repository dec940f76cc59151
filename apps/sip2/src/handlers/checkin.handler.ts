import { CheckinResult, ErrorCode } from '@app/contracts';
import { createMessage, Sip2Fields } from '@app/sip2-protocol';
import { errorCodeOf } from '../backend/circulation-backend';
import { magneticMedia, mediaType } from '../mapping/item-status';
import { messageKeyForError } from '../mapping/screen-messages';
import { agencyFor, branchOf, cleanBarcode, isUnavailable, optional, say, txDate } from './handler-helpers';
import { defineHandler, HandlerContext } from './sip2-handler';

/** 3M alert type (CV): 01 hold for this branch, 02 hold for another branch, 04 send to another branch, 99 other. */
export const AlertType = { holdHere: '01', holdElsewhere: '02', transit: '04', other: '99' } as const;

export interface CheckinRouting {
  alert: boolean;
  alertType?: string;
  sortBin: string;
  destination: string;
}

/**
 * Where a returned item goes: its hold shelf, its home (transit) or back on the shelf here. The sort bin
 * is the destination branch code, so a sorter can map branch codes to bins.
 */
export function checkinRouting(result: CheckinResult, here: string, hold: { pickupBranch: string } | null): CheckinRouting {
  if (hold) {
    const atHere = hold.pickupBranch === here;
    return { alert: true, alertType: atHere ? AlertType.holdHere : AlertType.holdElsewhere, sortBin: hold.pickupBranch, destination: hold.pickupBranch };
  }
  if (result.transit) return { alert: true, alertType: AlertType.transit, sortBin: result.destination, destination: result.destination };
  return { alert: false, sortBin: result.destination || here, destination: result.destination || here };
}

function failed(ctx: HandlerContext, req: { fields: Sip2Fields }, agency: string, message: string) {
  return createMessage(
    '10',
    { ok: '0', resensitize: 'N', magneticMedia: 'U', alert: 'Y', transactionDate: txDate(ctx) },
    { institutionId: agency, itemIdentifier: req.fields.itemIdentifier ?? '', permanentLocation: '', alertType: AlertType.other, screenMessage: [message] },
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
    if (!itemBc) return { response: failed(ctx, req, agency, say(ctx, ErrorCode.ItemUnknown)), outcome: ErrorCode.ItemUnknown };
    const item = { agency, barcode: itemBc };
    const here = branchOf(ctx);
    let result: CheckinResult;
    let hold: { pickupBranch: string } | null | undefined;
    try {
      [result, hold] = await Promise.all([ctx.backend.checkin(item, here), optional(ctx.holds.holdFor(item))]);
    } catch (err) {
      if (isUnavailable(err)) throw err;
      const code = errorCodeOf(err)!;
      return { response: failed(ctx, req, agency, say(ctx, messageKeyForError(code))), outcome: code };
    }
    const routing = checkinRouting(result, here, hold ?? null);
    const messages = [say(ctx, result.wasOnLoan ? 'checkedIn' : 'checkedInNotOnLoan')];
    if (routing.alert) messages.push(say(ctx, 'transit', { dest: routing.destination }));
    return {
      response: createMessage(
        '10',
        { ok: '1', resensitize: 'Y', magneticMedia: magneticMedia(result.item.itemType), alert: routing.alert ? 'Y' : 'N', transactionDate: txDate(ctx) },
        {
          institutionId: agency,
          itemIdentifier: req.fields.itemIdentifier ?? '',
          permanentLocation: result.item.homeBranch,
          titleIdentifier: result.item.title,
          sortBin: routing.sortBin,
          mediaType: mediaType(result.item.itemType),
          ...(routing.alert ? { destinationLocation: routing.destination, alertType: routing.alertType } : {}),
          screenMessage: messages,
        },
      ),
      outcome: !result.wasOnLoan ? 'not-on-loan' : routing.alert ? `ok-alert-${routing.alertType}` : 'ok',
    };
  },
  refuse(req, ctx, reason) {
    return failed(ctx, req, agencyFor(req.fields.institutionId, ctx), say(ctx, reason));
  },
});
