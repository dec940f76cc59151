import { createMessage } from '@app/sip2-protocol';
import { agencyFor, say, txDate } from './handler-helpers';
import { defineHandler, Sip2Handler } from './sip2-handler';

/** 15 Hold → 16. Holds arrive with a later issue (HoldsPort); until then: "hold not placed", truthfully. */
export const holdHandler: Sip2Handler<'15'> = defineHandler({
  code: '15',
  async handle(req, ctx) {
    return { response: holdHandler.refuse(req, ctx, 'holdsNotSupported'), outcome: 'holds-not-supported' };
  },
  refuse(req, ctx, reason) {
    return createMessage(
      '16',
      { ok: '0', available: 'N', transactionDate: txDate(ctx) },
      {
        institutionId: agencyFor(req.fields.institutionId, ctx),
        patronIdentifier: req.fields.patronIdentifier ?? '',
        ...(req.fields.itemIdentifier ? { itemIdentifier: req.fields.itemIdentifier } : {}),
        ...(req.fields.titleIdentifier ? { titleIdentifier: req.fields.titleIdentifier } : {}),
        screenMessage: [say(ctx, reason)],
      },
    );
  },
});
