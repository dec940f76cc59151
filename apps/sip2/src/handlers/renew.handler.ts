import { ErrorCode } from '@app/contracts';
import { createMessage, Sip2Fields } from '@app/sip2-protocol';
import { errorCodeOf } from '../backend/circulation-backend';
import { magneticMedia } from '../mapping/item-status';
import { messageKeyForRefusal } from '../mapping/screen-messages';
import { agencyFor, branchOf, circulationRefusal, cleanBarcode, isUnavailable, loanFields, lookupPatron, pinOf, say, txDate } from './handler-helpers';
import { patronMessageKey } from './patron-response';
import { defineHandler, HandlerContext } from './sip2-handler';

function failed(ctx: HandlerContext, req: { fields: Sip2Fields }, agency: string, message: string) {
  return circulationRefusal('30', ctx, req, agency, req.fields.titleIdentifier ?? '', message);
}

/** 29 Renew → 30 via loans.renew. With AD the PIN is checked first (loans.renew takes no PIN). */
export const renewHandler = defineHandler({
  code: '29',
  async handle(req, ctx) {
    const agency = agencyFor(req.fields.institutionId, ctx);
    const patronBc = cleanBarcode(req.fields.patronIdentifier);
    const itemBc = cleanBarcode(req.fields.itemIdentifier);
    if (!patronBc) return { response: failed(ctx, req, agency, say(ctx, ErrorCode.PatronUnknown)), outcome: ErrorCode.PatronUnknown };
    if (!itemBc) return { response: failed(ctx, req, agency, say(ctx, 'barcodeRequired')), outcome: 'no-item' };
    const patron = { agency, barcode: patronBc };
    const pin = pinOf(req.fields.patronPassword);
    if (pin !== undefined) {
      const lookup = await lookupPatron(ctx, patron, pin);
      if (!lookup.patron || lookup.pin !== 'valid') {
        const key = patronMessageKey(lookup) ?? ErrorCode.PinInvalid;
        return { response: failed(ctx, req, agency, say(ctx, key)), outcome: key };
      }
    }
    try {
      const { loan } = await ctx.backend.renew(patron, { agency, barcode: itemBc }, branchOf(ctx));
      return {
        response: createMessage(
          '30',
          { ok: '1', renewalOk: 'Y', magneticMedia: magneticMedia(loan.itemType), desensitize: 'U', transactionDate: txDate(ctx) },
          {
            ...loanFields(ctx, req, agency, loan),
            screenMessage: [say(ctx, 'renewed', { due: loan.dueDate })],
          },
        ),
        outcome: 'ok',
      };
    } catch (err) {
      if (isUnavailable(err)) throw err;
      const code = errorCodeOf(err)!;
      // RENEWAL_REFUSED_HOLDS: another patron waits for the title; fines/overdue blocks say what lifts them
      return { response: failed(ctx, req, agency, say(ctx, messageKeyForRefusal(err))), outcome: code };
    }
  },
  refuse(req, ctx, reason) {
    return failed(ctx, req, agencyFor(req.fields.institutionId, ctx), say(ctx, reason));
  },
});
