import { randomBytes } from 'node:crypto';

/** Env vars set by the integration globalSetup; jest workers inherit them. */
export const TEST_DATABASE_URL_ENV = 'TEST_DATABASE_URL';
export const TEST_NATS_URL_ENV = 'TEST_NATS_URL';
/** globalThis key holding the infra handle between globalSetup and globalTeardown (same process). */
export const TEST_INFRA_GLOBAL_KEY = '__circulationIntegrationInfra__';

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set. Integration specs must run in the jest "integration" project ` +
        `(npx jest --selectProjects integration), whose globalSetup starts PostgreSQL and NATS.`,
    );
  }
  return value;
}

/** postgres://... of the shared test database `circulation` (share it via createIsolatedSchemaName). */
export function testDatabaseUrl(): string {
  return requireEnv(TEST_DATABASE_URL_ENV);
}

/** nats://... of the shared test NATS server (JetStream enabled). */
export function testNatsUrl(): string {
  return requireEnv(TEST_NATS_URL_ENV);
}

let counter = 0;
const MAX_IDENTIFIER_LEN = 63; // PostgreSQL NAMEDATALEN - 1

/**
 * A schema name unique to this call (worker id + pid + random), so spec files running in
 * parallel against the same database never collide. Lowercase, safe unquoted.
 */
export function createIsolatedSchemaName(prefix: string): string {
  let clean = prefix
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!/^[a-z]/.test(clean)) clean = `t_${clean}`;
  const worker = process.env.JEST_WORKER_ID ?? '0';
  const suffix = `_w${worker}_${process.pid.toString(36)}_${(counter++).toString(36)}${randomBytes(3).toString('hex')}`;
  return clean.slice(0, MAX_IDENTIFIER_LEN - suffix.length) + suffix;
}
