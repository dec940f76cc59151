import { ErrorCode } from '@app/contracts';
import { createMessage, formatMoney, Sip2Fields } from '@app/sip2-protocol';
import { errorCodeOf } from '../backend/circulation-backend';
import { magneticMedia } from '../mapping/item-status';
import { messageKeyForRefusal } from '../mapping/screen-messages';
import {
  agencyFor,
  branchOf,
  circulationRefusal,
  cleanBarcode,
  isUnavailable,
  loanFields,
  optional,
  pinOf,
  pinOriginOf,
  say,
  txDate,
} from './handler-helpers';
import { localDay, optionalSip2Date, sip2IdempotencyKey } from './exactly-once-fields';
import { defineHandler, HandlerContext } from './sip2-handler';

function failed(
  ctx: HandlerContext,
  req: { fields: Sip2Fields },
  agency: string,
  message: string,
  extra: Sip2Fields = {},
) {
  return circulationRefusal('12', ctx, req, agency, '', message, extra);
}

/**
 * 11 Checkout → 12 via loans.checkout (the PIN, when given, is verified by loans in the same call).
 * Success: AJ title, AH due date (18-char SIP date, local), CK media type, desensitize Y.
 */
export const checkoutHandler = defineHandler({
  code: '11',
  async handle(req, ctx) {
    const agency = agencyFor(req.fields.institutionId, ctx);
    const patronBc = cleanBarcode(req.fields.patronIdentifier);
    const itemBc = cleanBarcode(req.fields.itemIdentifier);
    if (!patronBc)
      return {
        response: failed(ctx, req, agency, say(ctx, ErrorCode.PatronUnknown), { validPatron: 'N' }),
        outcome: ErrorCode.PatronUnknown,
      };
    if (!itemBc)
      return { response: failed(ctx, req, agency, say(ctx, ErrorCode.ItemUnknown)), outcome: ErrorCode.ItemUnknown };
    const patron = { agency, barcode: patronBc };
    const item = { agency, barcode: itemBc };
    if (req.fields.cancel === 'Y')
      return cancelCheckout(
        ctx,
        req,
        agency,
        patron,
        item,
        sip2IdempotencyKey(ctx, '11BI', req.fixed.transactionDate, [agency, patronBc, itemBc], `${agency}/${itemBc}`),
      );

    // no-block (offline): the kiosk's own transaction date and due date; a date that does not parse is refused, never guessed
    const noBlock = req.fixed.noBlock === 'Y';
    const txAt = noBlock ? optionalSip2Date(ctx, req.fixed.transactionDate) : { ok: true as const };
    const dueAt = noBlock ? optionalSip2Date(ctx, req.fixed.nbDueDate) : { ok: true as const };
    if (!txAt.ok || !dueAt.ok)
      return {
        response: failed(ctx, req, agency, say(ctx, ErrorCode.OfflineDateInvalid)),
        outcome: ErrorCode.OfflineDateInvalid,
      };
    const write = {
      idempotencyKey: sip2IdempotencyKey(
        ctx,
        '11',
        req.fixed.transactionDate,
        [agency, patronBc, itemBc],
        `${agency}/${itemBc}`,
      ),
      ...(noBlock ? { noBlock: true } : {}),
      ...(txAt.at ? { transactionAt: txAt.at.toISOString() } : {}),
      ...(dueAt.at ? { dueDate: localDay(dueAt.at, ctx.timeZone) } : {}),
    };
    const pin = pinOf(req.fields.patronPassword);
    if (pin !== undefined && ctx.pins.isThrottled(ctx.session, `${patron.agency}/${patron.barcode}`)) {
      ctx.pinEvents.pinThrottled();
      return {
        response: failed(ctx, req, agency, say(ctx, ErrorCode.PinThrottled), { validPatronPassword: 'N' }),
        outcome: ErrorCode.PinThrottled,
      };
    }
    try {
      const { loan } = await ctx.backend.checkout(
        patron,
        item,
        branchOf(ctx),
        pin,
        pin !== undefined ? { ...write, pinOrigin: pinOriginOf(ctx) } : write,
      );
      return {
        response: createMessage(
          '12',
          {
            ok: '1',
            renewalOk: 'N',
            magneticMedia: magneticMedia(loan.itemType),
            desensitize: 'Y',
            transactionDate: txDate(ctx),
          },
          {
            ...loanFields(ctx, req, agency, loan),
            validPatron: 'Y',
            ...(pin !== undefined ? { validPatronPassword: 'Y' } : {}),
            screenMessage: [say(ctx, 'checkedOut', { due: loan.dueDate })],
          },
        ),
        outcome: 'ok',
      };
    } catch (err) {
      if (isUnavailable(err)) throw err;
      const code = errorCodeOf(err)!;
      if (code === ErrorCode.PinInvalid) {
        await ctx.pins.recordFailure(ctx.session, `${patron.agency}/${patron.barcode}`);
        ctx.pinEvents.pinFailed();
      }
      if (code === ErrorCode.PinThrottled) ctx.pinEvents.pinThrottled();
      const extra: Sip2Fields = {};
      if (code === ErrorCode.PatronUnknown) extra.validPatron = 'N';
      if (code === ErrorCode.PinInvalid || code === ErrorCode.PinThrottled) extra.validPatronPassword = 'N';
      const key = messageKeyForRefusal(err);
      let message = say(ctx, key);
      if (key === 'finesBlocked') {
        // the rule blocks on fines: say how much, so the patron can pay at this kiosk (37) and try again
        const owed = (await optional(ctx.backend.patronSummary(patron)))?.finesFen ?? 0;
        if (owed > 0) message = say(ctx, 'finesBlockedAmount', { owed: formatMoney(owed) });
      }
      return { response: failed(ctx, req, agency, message, extra), outcome: code };
    }
  },
  refuse(req, ctx, reason) {
    return failed(ctx, req, agencyFor(req.fields.institutionId, ctx), say(ctx, reason));
  },
});

/**
 * BI=Y: the kiosk could not complete a checkout it asked for (e.g. desensitising failed) and cancels it.
 * Undo = check the item back in, but only if it is on loan to this very patron.
 */
async function cancelCheckout(
  ctx: HandlerContext,
  req: { fields: Sip2Fields },
  agency: string,
  patron: { agency: string; barcode: string },
  item: { agency: string; barcode: string },
  idempotencyKey: string,
) {
  const loan = await ctx.backend.itemLoan(item);
  if (!loan || loan.patron.agency !== patron.agency || loan.patron.barcode !== patron.barcode) {
    return { response: failed(ctx, req, agency, say(ctx, ErrorCode.LoanNotFound)), outcome: 'cancel-no-loan' };
  }
  await ctx.backend.checkin(item, branchOf(ctx), { idempotencyKey });
  return {
    response: createMessage(
      '12',
      {
        ok: '1',
        renewalOk: 'N',
        magneticMedia: magneticMedia(loan.itemType),
        desensitize: 'N',
        transactionDate: txDate(ctx),
      },
      {
        institutionId: agency,
        patronIdentifier: req.fields.patronIdentifier ?? '',
        itemIdentifier: req.fields.itemIdentifier ?? '',
        titleIdentifier: loan.title,
        dueDate: '',
        screenMessage: [say(ctx, 'checkoutCancelled')],
      },
    ),
    outcome: 'cancelled',
  };
}
