import { BRANCH_CODE_PATTERN, ErrorCode, HoldView } from '@app/contracts';
import { createMessage, Sip2Fields, yn } from '@app/sip2-protocol';
import { errorCodeOf, Ref } from '../backend/circulation-backend';
import {
  findHoldToCancel,
  holdAvailable,
  holdExpiry,
  holdModeOf,
  localDateOfSipDate,
  recordIdOf,
} from '../mapping/holds';
import { messageKeyForRefusal, ScreenMessageKey } from '../mapping/screen-messages';
import {
  agencyFor,
  branchOf,
  cleanBarcode,
  isUnavailable,
  lookupPatron,
  pinOf,
  pinOriginOf,
  say,
  txDate,
} from './handler-helpers';
import { patronMessageKey } from './patron-response';
import { sip2IdempotencyKey } from './exactly-once-fields';
import { defineHandler, HandlerContext, HandlerResult, Sip2Handler } from './sip2-handler';

type Req = { fixed: { holdMode: string }; fields: Sip2Fields };

function refused(req: Req, ctx: HandlerContext, message: string): ReturnType<Sip2Handler<'15'>['refuse']> {
  return createMessage(
    '16',
    { ok: '0', available: 'N', transactionDate: txDate(ctx) },
    {
      institutionId: agencyFor(req.fields.institutionId, ctx),
      patronIdentifier: req.fields.patronIdentifier ?? '',
      ...(req.fields.itemIdentifier ? { itemIdentifier: req.fields.itemIdentifier } : {}),
      ...(req.fields.titleIdentifier ? { titleIdentifier: req.fields.titleIdentifier } : {}),
      screenMessage: [message],
    },
  );
}

const refusal = (req: Req, ctx: HandlerContext, key: ScreenMessageKey, outcome: string = key): HandlerResult => ({
  response: refused(req, ctx, say(ctx, key)),
  outcome,
});

/** 16 for a hold that was placed or cancelled: BW expiry, BR queue position, BS pickup location, AJ title. */
function answered(req: Req, ctx: HandlerContext, hold: HoldView, messages: string[]) {
  const placed = hold.status !== 'cancelled';
  const expiry = placed ? holdExpiry(hold, ctx.timeZone) : undefined;
  const barcode = req.fields.itemIdentifier || hold.item?.barcode || hold.trappedItem?.barcode;
  return createMessage(
    '16',
    { ok: '1', available: yn(placed && holdAvailable(hold)), transactionDate: txDate(ctx) },
    {
      institutionId: agencyFor(req.fields.institutionId, ctx),
      patronIdentifier: req.fields.patronIdentifier ?? '',
      ...(expiry ? { expirationDate: expiry } : {}),
      ...(placed && hold.queuePosition !== null ? { queuePosition: String(hold.queuePosition) } : {}),
      pickupLocation: hold.pickupBranch,
      ...(barcode ? { itemIdentifier: barcode } : {}),
      titleIdentifier: hold.title,
      screenMessage: messages,
    },
  );
}

/**
 * 15 Hold → 16 through the loans service (loans.holds.*).
 *  `+` places an item-level hold on AB (a title-level one when AJ carries a record id and no AB is given),
 *      picked up at BS or else at the terminal's branch, not needed after BW; AD is verified by loans.
 *  `-` cancels the patron's hold on AB (the copy, the copy set aside, or its title) or on AJ.
 *  `*` (change the pickup location) has no loans operation: answered truthfully as not supported.
 */
export const holdHandler: Sip2Handler<'15'> = defineHandler({
  code: '15',
  async handle(req, ctx) {
    const agency = agencyFor(req.fields.institutionId, ctx);
    const mode = holdModeOf(req.fixed.holdMode);
    const patronBc = cleanBarcode(req.fields.patronIdentifier);
    if (!patronBc) return refusal(req, ctx, ErrorCode.PatronUnknown);
    if (!mode) return refusal(req, ctx, 'holdModeInvalid');
    if (mode === 'change') return refusal(req, ctx, 'holdChangeNotSupported', 'change-not-supported');
    const patron: Ref = { agency, barcode: patronBc };
    const itemBc = cleanBarcode(req.fields.itemIdentifier);
    const recordId = itemBc ? undefined : recordIdOf(req.fields.titleIdentifier);
    const title = req.fields.titleIdentifier?.trim() || undefined;
    if (!itemBc && !recordId && !(mode === 'cancel' && title)) return refusal(req, ctx, 'holdItemRequired', 'no-item');
    const pin = pinOf(req.fields.patronPassword);
    if (pin !== undefined && ctx.pins.isThrottled(ctx.session, `${patron.agency}/${patron.barcode}`)) {
      ctx.pinEvents.pinThrottled();
      return refusal(req, ctx, ErrorCode.PinThrottled);
    }
    const bs = req.fields.pickupLocation?.trim();
    if (mode === 'place' && bs && !BRANCH_CODE_PATTERN.test(bs)) return refusal(req, ctx, ErrorCode.HoldPickupInvalid);
    try {
      if (mode === 'place') {
        const hold = await ctx.holds.place({
          patron,
          ...(itemBc ? { item: { agency, barcode: itemBc } } : { recordId }),
          pickupBranch: bs || branchOf(ctx),
          notNeededAfter: localDateOfSipDate(req.fields.expirationDate),
          pin,
          pinOrigin: pinOriginOf(ctx),
          idempotencyKey: sip2IdempotencyKey(
            ctx,
            '15+',
            req.fixed.transactionDate,
            [agency, patronBc, itemBc ?? recordId ?? ''],
            `patron:${agency}/${patronBc}`,
          ),
        });
        const messages = [say(ctx, 'holdPlaced', { pickup: hold.pickupBranch })];
        if (holdAvailable(hold) && hold.pickupDeadlineDate)
          messages.push(say(ctx, 'holdReady', { date: hold.pickupDeadlineDate }));
        else if (hold.queuePosition !== null) messages.push(say(ctx, 'holdQueue', { pos: hold.queuePosition }));
        return { response: answered(req, ctx, hold, messages), outcome: 'placed' };
      }

      // cancel: loans.holds.cancel takes no PIN, so a given AD is checked first (as for 29)
      if (pin !== undefined) {
        const lookup = await lookupPatron(ctx, patron, pin);
        if (!lookup.patron || lookup.pin !== 'valid') {
          const key = patronMessageKey(lookup) ?? ErrorCode.PinInvalid;
          return refusal(req, ctx, key);
        }
      }
      const { items } = await ctx.holds.patronHolds(patron, 500);
      let target = findHoldToCancel(items, { barcode: itemBc, recordId, title });
      if (!target && itemBc) {
        // a title-level hold is cancelled by scanning any copy of the title
        const item = await ctx.backend.getItem({ agency, barcode: itemBc }).catch(() => null);
        if (item) target = findHoldToCancel(items, { recordId: item.recordId });
      }
      if (!target) return refusal(req, ctx, ErrorCode.HoldNotFound);
      const cancelled = await ctx.holds.cancel(
        patron,
        target.id,
        sip2IdempotencyKey(
          ctx,
          '15-',
          req.fixed.transactionDate,
          [agency, patronBc, target.id],
          `patron:${agency}/${patronBc}`,
        ),
      );
      return { response: answered(req, ctx, cancelled, [say(ctx, 'holdCancelled')]), outcome: 'cancelled' };
    } catch (err) {
      if (isUnavailable(err)) throw err;
      const code = errorCodeOf(err)!;
      if (code === ErrorCode.PinInvalid) {
        await ctx.pins.recordFailure(ctx.session, `${patron.agency}/${patron.barcode}`);
        ctx.pinEvents.pinFailed();
      }
      if (code === ErrorCode.PinThrottled) ctx.pinEvents.pinThrottled();
      // an unknown pickup branch named by the kiosk (BS) is a bad pickup location, not a misconfigured terminal
      const key = code === ErrorCode.BranchUnknown && bs ? ErrorCode.HoldPickupInvalid : messageKeyForRefusal(err);
      return { response: refused(req, ctx, say(ctx, key)), outcome: code };
    }
  },
  refuse(req, ctx, reason) {
    return refused(req, ctx, say(ctx, reason));
  },
});
