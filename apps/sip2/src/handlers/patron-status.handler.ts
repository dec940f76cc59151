import { createMessage, UNKNOWN_PATRON_STATUS } from '@app/sip2-protocol';
import { agencyFor, cleanBarcode, lookupPatron, optional, pinOf, say, txDate } from './handler-helpers';
import { languageField, patronFields, patronFixed, patronMessageKey } from './patron-response';
import { defineHandler } from './sip2-handler';

/** 23 Patron Status → 24. Patron (with PIN check when AD is given) and loan summary in parallel. */
export const patronStatusHandler = defineHandler({
  code: '23',
  async handle(req, ctx) {
    const agency = agencyFor(req.fields.institutionId, ctx);
    const raw = req.fields.patronIdentifier ?? '';
    const barcode = cleanBarcode(raw);
    const ref = barcode ? { agency, barcode } : undefined;
    const [lookup, summary] = await Promise.all([
      lookupPatron(ctx, ref, pinOf(req.fields.patronPassword)),
      ref ? optional(ctx.backend.patronSummary(ref)) : Promise.resolve(undefined),
    ]);
    return {
      response: createMessage(
        '24',
        patronFixed(ctx, agency, lookup, summary),
        patronFields(ctx, agency, raw, lookup, summary),
      ),
      outcome: patronMessageKey(lookup) ?? 'ok',
    };
  },
  refuse(req, ctx, reason) {
    const agency = agencyFor(req.fields.institutionId, ctx);
    return createMessage(
      '24',
      { patronStatus: UNKNOWN_PATRON_STATUS, language: languageField(ctx, agency), transactionDate: txDate(ctx) },
      {
        institutionId: agency,
        patronIdentifier: req.fields.patronIdentifier ?? '',
        personalName: '',
        validPatron: 'N',
        screenMessage: [say(ctx, reason)],
      },
    );
  },
});
