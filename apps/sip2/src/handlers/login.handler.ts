import { createMessage } from '@app/sip2-protocol';
import { defineHandler } from './sip2-handler';

/** 93 Login → 94. A failed login answers 940 and keeps the socket open for another attempt. */
export const loginHandler = defineHandler({
  code: '93',
  async handle(req, ctx) {
    const refuse = (outcome: string) => ({ response: createMessage('94', { ok: '0' }), outcome });
    // Only "no encryption" exists in practice; Evergreen rejects anything else.
    if (req.fixed.uidAlgorithm !== '0' || req.fixed.pwdAlgorithm !== '0') {
      ctx.session.loginFailed();
      return refuse('unsupported-algorithm');
    }
    const login = (req.fields.loginUserId ?? '').trim();
    const password = req.fields.loginPassword ?? '';
    if (!login || !password) {
      ctx.session.loginFailed();
      return refuse('missing-credentials');
    }
    const result = await ctx.logins.login(ctx.session, login, password);
    if (!result.ok) {
      ctx.session.loginFailed(result.account);
      return refuse(`login-${result.reason}`);
    }
    ctx.session.loginSucceeded(result.account);
    return { response: createMessage('94', { ok: '1' }), outcome: 'ok' };
  },
  refuse() {
    return createMessage('94', { ok: '0' });
  },
});
