import { createMessage } from '@app/sip2-protocol';
import { agencyFor, say, txDate } from './handler-helpers';
import { defineHandler } from './sip2-handler';

/** 35 End Patron Session → 36 Y. No server-side patron session exists, so there is nothing to tear down. */
export const endSessionHandler = defineHandler({
  code: '35',
  async handle(req, ctx) {
    return {
      response: createMessage(
        '36',
        { endSession: 'Y', transactionDate: txDate(ctx) },
        {
          institutionId: agencyFor(req.fields.institutionId, ctx),
          patronIdentifier: req.fields.patronIdentifier ?? '',
          screenMessage: [say(ctx, 'goodbye')],
        },
      ),
      outcome: 'ok',
    };
  },
  refuse(req, ctx, reason) {
    return createMessage(
      '36',
      { endSession: 'N', transactionDate: txDate(ctx) },
      {
        institutionId: agencyFor(req.fields.institutionId, ctx),
        patronIdentifier: req.fields.patronIdentifier ?? '',
        screenMessage: [say(ctx, reason)],
      },
    );
  },
});
