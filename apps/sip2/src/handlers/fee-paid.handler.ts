import { createMessage, parseMoney } from '@app/sip2-protocol';
import { agencyFor, cleanBarcode, say, txDate } from './handler-helpers';
import { defineHandler } from './sip2-handler';

/**
 * 37 Fee Paid → 38. Fees do not exist yet (FeesPort), so a payment is truthfully NOT accepted and the
 * screen message says why; the kiosk must not take the money.
 */
export const feePaidHandler = defineHandler({
  code: '37',
  async handle(req, ctx) {
    const agency = agencyFor(req.fields.institutionId, ctx);
    const barcode = cleanBarcode(req.fields.patronIdentifier);
    const amount = parseMoney(req.fields.feeAmount ?? '');
    const result =
      barcode && amount !== undefined && amount > 0
        ? await ctx.fees.pay({ agency, barcode }, amount, req.fields.feeIdentifier, req.fields.transactionId)
        : { accepted: false as const, reason: 'not-supported' as const };
    return {
      response: createMessage(
        '38',
        { paymentAccepted: result.accepted ? 'Y' : 'N', transactionDate: txDate(ctx) },
        {
          institutionId: agency,
          patronIdentifier: req.fields.patronIdentifier ?? '',
          ...(req.fields.transactionId ? { transactionId: req.fields.transactionId } : {}),
          ...(result.accepted ? {} : { screenMessage: [say(ctx, 'feesNotSupported')] }),
        },
      ),
      outcome: result.accepted ? 'ok' : `not-accepted-${result.reason ?? 'refused'}`,
    };
  },
  refuse(req, ctx, reason) {
    return createMessage(
      '38',
      { paymentAccepted: 'N', transactionDate: txDate(ctx) },
      { institutionId: agencyFor(req.fields.institutionId, ctx), patronIdentifier: req.fields.patronIdentifier ?? '', screenMessage: [say(ctx, reason)] },
    );
  },
});
