// Jest globalTeardown (integration project): stops what global-setup.ts started.
import type { TestInfra } from '../../runtime/src';
import { TEST_DATABASE_URL_ENV, TEST_INFRA_GLOBAL_KEY, TEST_NATS_URL_ENV } from './test-env';

type InfraHolder = { [TEST_INFRA_GLOBAL_KEY]?: TestInfra };

export default async function globalTeardown(): Promise<void> {
  const holder = globalThis as InfraHolder;
  const infra = holder[TEST_INFRA_GLOBAL_KEY];
  if (!infra) return; // external infra, or setup failed
  delete holder[TEST_INFRA_GLOBAL_KEY];
  // Clear the URLs we set so a re-run in the same process (watch mode) starts fresh infra.
  delete process.env[TEST_DATABASE_URL_ENV];
  delete process.env[TEST_NATS_URL_ENV];
  await infra.stop();
}
