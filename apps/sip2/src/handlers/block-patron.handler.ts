import { PatronView } from '@app/contracts';
import { createMessage } from '@app/sip2-protocol';
import { errorCodeOf } from '../backend/circulation-backend';
import { agencyFor, cleanBarcode, say } from './handler-helpers';
import { patronFields, patronFixed } from './patron-response';
import { patronStatusHandler } from './patron-status.handler';
import { defineHandler } from './sip2-handler';

/** Why a kiosk blocked the card, as stored with the manual block (AL is the kiosk's own text). */
export function blockReason(blockedCardMessage: string | undefined, cardRetained: boolean, terminal: string): string {
  const text = (blockedCardMessage ?? '').trim() || 'blocked by self-service terminal';
  return `${text}${cardRetained ? ' (card retained)' : ''} [SIP2 ${terminal}]`.slice(0, 255);
}

/** 01 Block Patron → 24 (there is no dedicated response). Sets the patron's `manual` block. */
export const blockPatronHandler = defineHandler({
  code: '01',
  async handle(req, ctx) {
    const agency = agencyFor(req.fields.institutionId, ctx);
    const raw = req.fields.patronIdentifier ?? '';
    const barcode = cleanBarcode(raw);
    const login = ctx.session.terminal?.login ?? 'unknown';
    let patron: PatronView | null = null;
    if (barcode) {
      try {
        patron = await ctx.backend.setPatronBlock(
          { agency, barcode },
          'manual',
          true,
          blockReason(req.fields.blockedCardMessage, req.fixed.cardRetained === 'Y', login),
          `sip2:${login}`,
        );
      } catch (err) {
        if (errorCodeOf(err) !== 'PATRON_UNKNOWN' && errorCodeOf(err) !== 'NOT_FOUND') throw err;
      }
    }
    const lookup = { patron };
    const fields = patronFields(ctx, agency, raw, lookup);
    if (patron) fields.screenMessage = [say(ctx, 'blocked')];
    return {
      response: createMessage('24', patronFixed(ctx, agency, lookup), fields),
      outcome: patron ? 'blocked' : 'PATRON_UNKNOWN',
    };
  },
  refuse(req, ctx, reason) {
    return patronStatusHandler.refuse(
      createMessage(
        '23',
        { language: '000', transactionDate: req.fixed.transactionDate },
        { institutionId: req.fields.institutionId, patronIdentifier: req.fields.patronIdentifier },
      ),
      ctx,
      reason,
    );
  },
});
