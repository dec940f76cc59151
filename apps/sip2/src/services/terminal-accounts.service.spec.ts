import { SecretHasher } from '@app/common';
import { TerminalAccountsService } from './terminal-accounts.service';
import { Sip2EnvDto } from '../config/sip2-env.dto';
import type { Sip2TerminalRepository } from '../repositories/sip2-terminal.repository';

/**
 * An unknown terminal login must cost the same scrypt verification as a known one with a wrong password,
 * so response time does not tell an attacker which logins exist (issue 14: it answered ~70 ms faster).
 */
describe('TerminalAccountsService.checkLogin timing', () => {
  it('verifies against a dummy hash for an unknown or disabled login, exactly as for a wrong password', async () => {
    const stored = await new SecretHasher().hash('right');
    const rows: Record<string, unknown> = {
      known: {
        login: 'known',
        passwordHash: stored,
        enabled: true,
        institutionId: 'CN-320583-1-KSL',
        location: 'KSL-MAIN',
        charset: 'utf-8',
        terminator: 'CR',
        fieldDelimiter: '|',
        errorDetection: 'auto',
        allowScStatusBeforeLogin: false,
        loginTimeoutSeconds: 60,
        idleTimeoutSeconds: 900,
      },
    };
    rows.off = { ...(rows.known as object), login: 'off', enabled: false };
    const repo = { findByLogin: async (login: string) => rows[login] ?? null } as unknown as Sip2TerminalRepository;
    const service = new TerminalAccountsService(
      repo,
      Object.assign(new Sip2EnvDto(), { SIP2_ACCOUNT_CACHE_SECONDS: 0 }),
    );
    const dummy = await service.dummyHash();
    const verify = jest.spyOn(SecretHasher.prototype, 'verify');

    expect(await service.checkLogin('known', 'wrong')).toMatchObject({ ok: false, reason: 'bad-password' });
    expect(await service.checkLogin('nobody', 'wrong')).toMatchObject({ ok: false, reason: 'unknown' });
    expect(await service.checkLogin('off', 'wrong')).toMatchObject({ ok: false, reason: 'disabled' });
    expect(
      verify.mock.calls.map(([, hash]) => (hash === dummy ? 'dummy' : hash === stored ? 'stored' : 'other')),
    ).toEqual(['stored', 'dummy', 'stored']);
    // same scrypt parameters, so the same cost
    expect(dummy.split('$').slice(0, 4)).toEqual(stored.split('$').slice(0, 4));
    // five real scrypt runs (16 MiB each): seconds on a loaded 2-core machine, beyond the unit default
  }, 60_000);
});
