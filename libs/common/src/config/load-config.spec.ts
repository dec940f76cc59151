import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max } from 'class-validator';
import { BaseEnvDto } from './base-env.dto';
import { ConfigError, loadConfig } from './load-config';

class TestEnv extends BaseEnvDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Max(65535)
  PORT = 3000;
}

const good = { DATABASE_URL: 'postgres://u@localhost/db', NATS_URL: 'nats://127.0.0.1:4222' };

describe('loadConfig', () => {
  it('applies defaults and converts numbers', () => {
    const cfg = loadConfig(TestEnv, { ...good, PORT: '8080' });
    expect(cfg.PORT).toBe(8080);
    expect(cfg.LIBRARY_TIMEZONE).toBe('Asia/Shanghai');
    expect(cfg.NATS_REQUEST_TIMEOUT_MS).toBe(5000);
    expect(Object.isFrozen(cfg)).toBe(true);
  });

  it('keeps only declared variables', () => {
    const cfg = loadConfig(TestEnv, { ...good, HOME: '/root' }) as unknown as Record<string, unknown>;
    expect(cfg.HOME).toBeUndefined();
  });

  it('names the bad variable', () => {
    expect(() => loadConfig(TestEnv, { ...good, PORT: 'eighty' })).toThrow(/PORT="eighty"/);
    expect(() => loadConfig(TestEnv, { NATS_URL: good.NATS_URL })).toThrow(ConfigError);
    expect(() => loadConfig(TestEnv, { NATS_URL: good.NATS_URL })).toThrow(/DATABASE_URL/);
  });

  it('reads DB_PREPARED_STATEMENTS as a boolean, on by default', () => {
    expect(loadConfig(TestEnv, good).DB_PREPARED_STATEMENTS).toBe(true);
    expect(loadConfig(TestEnv, { ...good, DB_PREPARED_STATEMENTS: 'false' }).DB_PREPARED_STATEMENTS).toBe(false);
    expect(loadConfig(TestEnv, { ...good, DB_PREPARED_STATEMENTS: 'off' }).DB_PREPARED_STATEMENTS).toBe(false);
    expect(loadConfig(TestEnv, { ...good, DB_PREPARED_STATEMENTS: 'true' }).DB_PREPARED_STATEMENTS).toBe(true);
  });
});
