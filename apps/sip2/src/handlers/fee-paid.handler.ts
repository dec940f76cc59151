import { createHash } from 'node:crypto';
import { ErrorCode } from '@app/contracts';
import { createMessage, formatMoney, parseMoney, Sip2Fields } from '@app/sip2-protocol';
import { randomBytes } from 'node:crypto';
import { errorCodeOf } from '../backend/circulation-backend';
import { currencyAccepted, fineIdForCG, isFineId, paymentTypeOf } from '../mapping/fees';
import { messageKeyForRefusal, ScreenMessageKey } from '../mapping/screen-messages';
import { agencyFor, branchOf, cleanBarcode, isUnavailable, lookupPatron, pinOf, say, txDate } from './handler-helpers';
import { patronMessageKey } from './patron-response';
import { sip2IdempotencyKey } from './exactly-once-fields';
import { defineHandler, HandlerContext, HandlerResult } from './sip2-handler';

type Req = { fields: Sip2Fields };

function answer(req: Req, ctx: HandlerContext, accepted: boolean, message: string, transactionId?: string) {
  const bk = transactionId ?? req.fields.transactionId;
  return createMessage(
    '38',
    { paymentAccepted: accepted ? 'Y' : 'N', transactionDate: txDate(ctx) },
    {
      institutionId: agencyFor(req.fields.institutionId, ctx),
      patronIdentifier: req.fields.patronIdentifier ?? '',
      ...(bk ? { transactionId: bk } : {}),
      screenMessage: [message],
    },
  );
}

const notAccepted = (
  req: Req,
  ctx: HandlerContext,
  key: ScreenMessageKey,
  vars?: Record<string, string>,
  outcome: string = key,
): HandlerResult => ({
  response: answer(req, ctx, false, say(ctx, key, vars)),
  outcome: `not-accepted-${outcome}`,
});

/** Our own receipt number when the kiosk sends no BK (it is recorded with the payment and sent back in BK). */
const newTransactionId = () =>
  `SIP2-${Date.now().toString(36).toUpperCase()}-${randomBytes(4).toString('hex').toUpperCase()}`;

/**
 * 37 Fee Paid → 38 through loans.fines.pay. BV (money string) → integer fen; it settles the fine named
 * by CG, else the patron's open fines oldest first (partial payments are fine; more than is owed is
 * refused). BK makes it idempotent: a kiosk resending the same BK is answered Y without a second charge.
 * Payment accepted is Y only when the loans service recorded the payment.
 */
export const feePaidHandler = defineHandler({
  code: '37',
  async handle(req, ctx) {
    const agency = agencyFor(req.fields.institutionId, ctx);
    const barcode = cleanBarcode(req.fields.patronIdentifier);
    if (!barcode) return notAccepted(req, ctx, ErrorCode.PatronUnknown);
    const patron = { agency, barcode };
    const amount = parseMoney(req.fields.feeAmount ?? '');
    if (amount === undefined || amount <= 0) return notAccepted(req, ctx, 'feeAmountInvalid');
    if (!currencyAccepted(req.fixed.currencyType)) return notAccepted(req, ctx, 'currencyNotAccepted');
    const bk = req.fields.transactionId?.trim();
    if (bk !== undefined && bk.length > 64) return notAccepted(req, ctx, 'transactionIdInvalid');

    const pin = pinOf(req.fields.patronPassword);
    if (pin !== undefined) {
      const lookup = await lookupPatron(ctx, patron, pin);
      if (!lookup.patron || lookup.pin !== 'valid')
        return notAccepted(req, ctx, patronMessageKey(lookup) ?? ErrorCode.PinInvalid);
    }
    try {
      let fineId: string | undefined;
      const cg = req.fields.feeIdentifier?.trim();
      if (cg) {
        // our AV entries start with the fine id; a kiosk may also name the item (one list call then)
        fineId = isFineId(cg) ? cg.toLowerCase() : fineIdForCG(cg, (await ctx.fees.openFines(patron, 500)).items);
        if (!fineId) return notAccepted(req, ctx, ErrorCode.FineNotFound);
      }
      const idempotencyKey = sip2IdempotencyKey(
        ctx,
        '37',
        req.fixed.transactionDate,
        [agency, barcode, String(amount), bk ?? '', fineId ?? ''],
        `patron:${agency}/${barcode}`,
      );
      // without BK, the receipt id comes from the transaction's key: a resend after a reconnect is not charged twice
      const transactionId =
        bk ||
        (idempotencyKey.startsWith('sip2:once:')
          ? newTransactionId()
          : `SIP2-${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 20).toUpperCase()}`);
      const paid = await ctx.fees.pay({
        patron,
        amountFen: amount,
        paymentType: paymentTypeOf(req.fixed.paymentType),
        transactionId,
        ...(fineId ? { fineId } : {}),
        branch: branchOf(ctx),
        actor: `sip2:${ctx.session.terminal?.login ?? 'unknown'}`.slice(0, 64),
        idempotencyKey,
      });
      const message =
        paid.outstandingFen > 0
          ? say(ctx, 'feePaid', { paid: formatMoney(paid.paidFen), owed: formatMoney(paid.outstandingFen) })
          : say(ctx, 'feePaidAll', { paid: formatMoney(paid.paidFen) });
      return {
        response: answer(req, ctx, true, message, paid.transactionId ?? transactionId),
        outcome: paid.replayed ? 'replayed' : 'ok',
      };
    } catch (err) {
      if (isUnavailable(err)) throw err;
      const code = errorCodeOf(err)!;
      if (code === ErrorCode.PaymentExceedsBalance) {
        const owed = Number((err as { details?: { owedFen?: unknown } }).details?.owedFen);
        if (owed === 0) return notAccepted(req, ctx, 'nothingOwed', undefined, code);
        if (Number.isSafeInteger(owed) && owed > 0)
          return notAccepted(req, ctx, 'paymentExceeds', { owed: formatMoney(owed) }, code);
      }
      // paying a fine (CG) that is already settled
      if (code === ErrorCode.Conflict && cgGiven(req))
        return notAccepted(req, ctx, 'feeAlreadySettled', undefined, code);
      return notAccepted(req, ctx, messageKeyForRefusal(err), undefined, code);
    }
  },
  refuse(req, ctx, reason) {
    return answer(req, ctx, false, say(ctx, reason));
  },
});

const cgGiven = (req: Req) => !!req.fields.feeIdentifier?.trim();
