// Jest globalSetup (integration project): one PostgreSQL + NATS for the whole run.
// Relative imports on purpose: jest does not apply moduleNameMapper to globalSetup modules.
import { startTestInfra, type TestInfra } from '../../runtime/src';
import { TEST_DATABASE_URL_ENV, TEST_INFRA_GLOBAL_KEY, TEST_NATS_URL_ENV } from './test-env';

type InfraHolder = { [TEST_INFRA_GLOBAL_KEY]?: TestInfra };

export default async function globalSetup(): Promise<void> {
  // Externally provided infra (both URLs set): use it, start nothing, stop nothing.
  if (process.env[TEST_DATABASE_URL_ENV] && process.env[TEST_NATS_URL_ENV]) {
    process.stderr.write(`\n[integration] using external ${TEST_DATABASE_URL_ENV} / ${TEST_NATS_URL_ENV}\n`);
    return;
  }
  const debug = !!process.env.TEST_INFRA_DEBUG;
  const started = Date.now();
  const infra = await startTestInfra({
    fast: true,
    log: debug ? (line) => process.stderr.write(`${line}\n`) : undefined,
    keepData: debug,
  });
  // Set in the jest parent before workers are forked, so every worker inherits them.
  process.env[TEST_DATABASE_URL_ENV] = infra.databaseUrl;
  process.env[TEST_NATS_URL_ENV] = infra.natsUrl;
  (globalThis as InfraHolder)[TEST_INFRA_GLOBAL_KEY] = infra;
  process.stderr.write(
    `\n[integration] ${infra.mode} infra ready in ${Date.now() - started} ms: ${infra.databaseUrl} ${infra.natsUrl}\n`,
  );
}
