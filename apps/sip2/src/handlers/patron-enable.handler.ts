import { createMessage, UNKNOWN_PATRON_STATUS } from '@app/sip2-protocol';
import { agencyFor, cleanBarcode, lookupPatron, pinOf, say, txDate } from './handler-helpers';
import { languageField, patronFields, patronFixed, patronMessageKey } from './patron-response';
import { defineHandler } from './sip2-handler';

/**
 * 25 Patron Enable → 26. Lifts the `manual` block only (lost card, fines, overdue and expiry stay: they
 * are not the kiosk's to lift). With AD, the PIN must be right first.
 */
export const patronEnableHandler = defineHandler({
  code: '25',
  async handle(req, ctx) {
    const agency = agencyFor(req.fields.institutionId, ctx);
    const raw = req.fields.patronIdentifier ?? '';
    const barcode = cleanBarcode(raw);
    const ref = barcode ? { agency, barcode } : undefined;
    let lookup = await lookupPatron(ctx, ref, pinOf(req.fields.patronPassword));
    const pinOk = lookup.pin === undefined || lookup.pin === 'valid';
    let outcome = patronMessageKey(lookup) ?? 'ok';
    if (ref && lookup.patron && pinOk) {
      const wasBlocked = lookup.patron.blocks.includes('manual');
      if (wasBlocked)
        lookup = {
          ...lookup,
          patron: await ctx.backend.setPatronBlock(
            ref,
            'manual',
            false,
            undefined,
            `sip2:${ctx.session.terminal?.login ?? 'unknown'}`,
          ),
        };
      outcome = wasBlocked ? 'enabled' : 'not-blocked';
    }
    const fields = patronFields(ctx, agency, raw, lookup);
    if (outcome === 'enabled' && !patronMessageKey(lookup)) fields.screenMessage = [say(ctx, 'enabled')];
    return { response: createMessage('26', patronFixed(ctx, agency, lookup), fields), outcome };
  },
  refuse(req, ctx, reason) {
    const agency = agencyFor(req.fields.institutionId, ctx);
    return createMessage(
      '26',
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
