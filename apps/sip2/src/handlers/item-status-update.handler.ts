import { ErrorCode } from '@app/contracts';
import { createMessage } from '@app/sip2-protocol';
import { errorCodeOf } from '../backend/circulation-backend';
import { agencyFor, cleanBarcode, say, txDate } from './handler-helpers';
import { defineHandler, Sip2Handler } from './sip2-handler';

/**
 * 19 Item Status Update → 20. The catalog has no field for SIP2 item properties (CH), so nothing is
 * stored and the answer says so (item properties ok = 0) instead of pretending.
 */
export const itemStatusUpdateHandler: Sip2Handler<'19'> = defineHandler({
  code: '19',
  async handle(req, ctx) {
    const agency = agencyFor(req.fields.institutionId, ctx);
    const barcode = cleanBarcode(req.fields.itemIdentifier);
    const item = barcode
      ? await ctx.backend.getItem({ agency, barcode }).catch((err: unknown) => {
          if (errorCodeOf(err) === ErrorCode.ItemUnknown || errorCodeOf(err) === ErrorCode.NotFound) return null;
          throw err;
        })
      : null;
    if (!item)
      return {
        response: itemStatusUpdateHandler.refuse(req, ctx, ErrorCode.ItemUnknown),
        outcome: ErrorCode.ItemUnknown,
      };
    return {
      response: createMessage(
        '20',
        { itemPropertiesOk: '0', transactionDate: txDate(ctx) },
        {
          itemIdentifier: req.fields.itemIdentifier ?? '',
          titleIdentifier: item.title,
          screenMessage: [say(ctx, 'itemPropertiesNotStored')],
        },
      ),
      outcome: 'not-stored',
    };
  },
  refuse(req, ctx, reason) {
    return createMessage(
      '20',
      { itemPropertiesOk: '0', transactionDate: txDate(ctx) },
      { itemIdentifier: req.fields.itemIdentifier ?? '', screenMessage: [say(ctx, reason)] },
    );
  },
});
