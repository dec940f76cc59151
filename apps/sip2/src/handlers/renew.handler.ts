import { ErrorCode } from '@app/contracts';
import { createMessage, Sip2Fields } from '@app/sip2-protocol';
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
  lookupPatron,
  pinOf,
  say,
  txDate,
} from './handler-helpers';
import { patronMessageKey } from './patron-response';
import { localDay, optionalSip2Date, sip2IdempotencyKey } from './exactly-once-fields';
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
    if (!patronBc)
      return {
        response: failed(ctx, req, agency, say(ctx, ErrorCode.PatronUnknown)),
        outcome: ErrorCode.PatronUnknown,
      };
    if (!itemBc) return { response: failed(ctx, req, agency, say(ctx, 'barcodeRequired')), outcome: 'no-item' };
    const patron = { agency, barcode: patronBc };
    // no-block (offline) renewal: the kiosk's own dates; a date that does not parse is refused
    const noBlock = req.fixed.noBlock === 'Y';
    const txAt = noBlock ? optionalSip2Date(ctx, req.fixed.transactionDate) : { ok: true as const };
    const dueAt = noBlock ? optionalSip2Date(ctx, req.fixed.nbDueDate) : { ok: true as const };
    if (!txAt.ok || !dueAt.ok)
      return {
        response: failed(ctx, req, agency, say(ctx, ErrorCode.OfflineDateInvalid)),
        outcome: ErrorCode.OfflineDateInvalid,
      };
    const pin = pinOf(req.fields.patronPassword);
    if (pin !== undefined) {
      const lookup = await lookupPatron(ctx, patron, pin);
      if (!lookup.patron || lookup.pin !== 'valid') {
        const key = patronMessageKey(lookup) ?? ErrorCode.PinInvalid;
        return { response: failed(ctx, req, agency, say(ctx, key)), outcome: key };
      }
    }
    try {
      const { loan } = await ctx.backend.renew(patron, { agency, barcode: itemBc }, branchOf(ctx), {
        idempotencyKey: sip2IdempotencyKey(
          ctx,
          '29',
          req.fixed.transactionDate,
          [agency, patronBc, itemBc],
          `${agency}/${itemBc}`,
        ),
        ...(noBlock ? { noBlock: true } : {}),
        ...(txAt.at ? { transactionAt: txAt.at.toISOString() } : {}),
        ...(dueAt.at ? { dueDate: localDay(dueAt.at, ctx.timeZone) } : {}),
      });
      return {
        response: createMessage(
          '30',
          {
            ok: '1',
            renewalOk: 'Y',
            magneticMedia: magneticMedia(loan.itemType),
            desensitize: 'U',
            transactionDate: txDate(ctx),
          },
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
      const from = (err as { details?: { renewableFrom?: unknown } }).details?.renewableFrom;
      const message =
        code === ErrorCode.RenewalTooSoon && typeof from === 'string'
          ? say(ctx, 'renewalTooSoonFrom', { date: from })
          : say(ctx, messageKeyForRefusal(err));
      return { response: failed(ctx, req, agency, message), outcome: code };
    }
  },
  refuse(req, ctx, reason) {
    return failed(ctx, req, agencyFor(req.fields.institutionId, ctx), say(ctx, reason));
  },
});
