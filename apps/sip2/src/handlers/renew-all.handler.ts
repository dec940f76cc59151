import { ErrorCode } from '@app/contracts';
import { count4, createMessage } from '@app/sip2-protocol';
import { messageKeyForRefusal } from '../mapping/screen-messages';
import { agencyFor, branchOf, cleanBarcode, lookupPatron, pinOf, say, txDate } from './handler-helpers';
import { patronMessageKey } from './patron-response';
import { defineHandler, HandlerContext } from './sip2-handler';

/** AF lines naming why items were not renewed (kiosk screens are small). */
const MAX_REASON_LINES = 5;

function answer(
  ctx: HandlerContext,
  agency: string,
  ok: boolean,
  renewed: string[],
  unrenewed: string[],
  message: string,
  reasons: string[] = [],
) {
  return createMessage(
    '66',
    {
      ok: ok ? '1' : '0',
      renewedCount: count4(renewed.length),
      unrenewedCount: count4(unrenewed.length),
      transactionDate: txDate(ctx),
    },
    { institutionId: agency, renewedItems: renewed, unrenewedItems: unrenewed, screenMessage: [message, ...reasons] },
  );
}

/** 65 Renew All → 66: renew each open loan of the patron (in parallel); BM renewed, BN not renewed. */
export const renewAllHandler = defineHandler({
  code: '65',
  async handle(req, ctx) {
    const agency = agencyFor(req.fields.institutionId, ctx);
    const barcode = cleanBarcode(req.fields.patronIdentifier);
    if (!barcode)
      return {
        response: answer(ctx, agency, false, [], [], say(ctx, ErrorCode.PatronUnknown)),
        outcome: ErrorCode.PatronUnknown,
      };
    const ref = { agency, barcode };
    const pin = pinOf(req.fields.patronPassword);
    const [lookup, loans] = await Promise.all([lookupPatron(ctx, ref, pin), ctx.backend.openLoans(ref, 500)]);
    if (!lookup.patron || (pin !== undefined && lookup.pin !== 'valid')) {
      const key = patronMessageKey(lookup) ?? ErrorCode.PinInvalid;
      return { response: answer(ctx, agency, false, [], [], say(ctx, key)), outcome: key };
    }
    const results = await Promise.allSettled(loans.map((l) => ctx.backend.renew(ref, l.item, branchOf(ctx))));
    const renewed: string[] = [];
    const unrenewed: string[] = [];
    const reasons: string[] = [];
    results.forEach((r, i) => {
      const barcode = loans[i].item.barcode;
      if (r.status === 'fulfilled') return void renewed.push(barcode);
      unrenewed.push(barcode);
      // one AF line per item not renewed, with the reason (e.g. another patron waits for it)
      if (reasons.length < MAX_REASON_LINES) reasons.push(`${barcode}: ${say(ctx, messageKeyForRefusal(r.reason))}`);
    });
    return {
      response: answer(
        ctx,
        agency,
        true,
        renewed,
        unrenewed,
        say(ctx, 'renewAll', { renewed: renewed.length, unrenewed: unrenewed.length }),
        reasons,
      ),
      outcome: unrenewed.length ? 'partial' : 'ok',
    };
  },
  refuse(req, ctx, reason) {
    return answer(ctx, agencyFor(req.fields.institutionId, ctx), false, [], [], say(ctx, reason));
  },
});
