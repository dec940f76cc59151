import { ConfigError, loadConfig } from '@app/common';
import { PatronsEnvDto } from './patrons-env.dto';

describe('PatronsEnvDto', () => {
  const base = { DATABASE_URL: 'postgres://u@localhost/db', NATS_URL: 'nats://localhost:4222' };

  it('defaults to Asia/Shanghai, 5 wrong PINs per 15 minutes and a 10-minute PIN cache', () => {
    const env = loadConfig(PatronsEnvDto, base);
    expect(env).toMatchObject({
      LIBRARY_TIMEZONE: 'Asia/Shanghai',
      PATRON_PIN_MAX_FAILURES: 5,
      PATRON_PIN_FAILURE_WINDOW_SECONDS: 900,
      PATRON_PIN_CACHE_TTL_SECONDS: 600,
    });
  });

  it('refuses an unknown time zone, naming the variable', () => {
    expect(() => loadConfig(PatronsEnvDto, { ...base, LIBRARY_TIMEZONE: 'Asia/Shangai' })).toThrow(ConfigError);
    expect(() => loadConfig(PatronsEnvDto, { ...base, LIBRARY_TIMEZONE: 'Asia/Shangai' })).toThrow(/LIBRARY_TIMEZONE/);
  });
});
