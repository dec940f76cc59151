import { createMessage, formatSupportedMessages, SUPPORTED_MESSAGES_ORDER } from '@app/sip2-protocol';
import { TerminalAccount } from '../services/terminal-account';
import { say, txDate } from './handler-helpers';
import { defineHandler, Sip2Handler, HandlerContext } from './sip2-handler';

/** Every 2.00 request is understood and answered (holds/fees/item properties answered negatively for now). */
export const SUPPORTED_MESSAGES = formatSupportedMessages(SUPPORTED_MESSAGES_ORDER);

async function acsStatus(ctx: HandlerContext, account: TerminalAccount) {
  const [libraryName, daysBack] = await Promise.all([
    ctx.backend.agencyName(account.institutionId).catch(() => undefined),
    ctx.backend.offlineDaysBack(account.institutionId).catch(() => undefined),
  ]);
  return createMessage(
    '98',
    {
      onlineStatus: 'Y',
      checkinOk: 'Y',
      checkoutOk: 'Y',
      acsRenewalPolicy: 'Y',
      statusUpdateOk: 'N', // 19 is answered, but item properties are not stored
      // no-block checkouts/renewals and back-dated checkins are accepted (docs/sip2.md §5.4)
      offlineOk: 'Y',
      timeoutPeriod: ctx.acsTimeoutPeriod,
      retriesAllowed: '003',
      dateTimeSync: txDate(ctx),
      protocolVersion: '2.00',
    },
    {
      institutionId: account.institutionId,
      ...(libraryName ? { libraryName } : {}),
      supportedMessages: SUPPORTED_MESSAGES,
      terminalLocation: account.location,
      // the accepted window (no SIP2 field exists for it): how many days back an offline transaction may be dated
      ...(daysBack !== undefined ? { screenMessage: [say(ctx, 'offlineWindow', { days: daysBack })] } : {}),
    },
  );
}

/** 99 SC Status → 98. Before 93 only when the terminal account allows it (raw clients such as Relais). */
export const scStatusHandler: Sip2Handler<'99'> = defineHandler({
  code: '99',
  async handle(req, ctx) {
    const account = ctx.session.terminal ?? (await ctx.logins.scStatusAccount(ctx.session));
    if (!account)
      return { response: scStatusHandler.refuse(req, ctx, 'notLoggedIn'), outcome: 'not-logged-in', error: true };
    const status = req.fixed.statusCode;
    const outcome = status === '1' ? 'ok-printer-out-of-paper' : status === '2' ? 'ok-sc-shutting-down' : 'ok';
    return { response: await acsStatus(ctx, account), outcome };
  },
  refuse(_req, ctx, reason) {
    // off-line answer: the kiosk shows "out of service" instead of trusting the flags
    return createMessage(
      '98',
      {
        onlineStatus: 'N',
        checkinOk: 'N',
        checkoutOk: 'N',
        acsRenewalPolicy: 'N',
        statusUpdateOk: 'N',
        offlineOk: 'N',
        timeoutPeriod: ctx.acsTimeoutPeriod,
        retriesAllowed: '003',
        dateTimeSync: txDate(ctx),
        protocolVersion: '2.00',
      },
      {
        institutionId: ctx.session.terminal?.institutionId ?? '',
        supportedMessages: SUPPORTED_MESSAGES,
        screenMessage: [say(ctx, reason)],
      },
    );
  },
});
