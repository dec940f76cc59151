// Helpers for integration specs. The infra itself is started once by global-setup.ts.
export {
  createIsolatedSchemaName,
  TEST_DATABASE_URL_ENV,
  TEST_NATS_URL_ENV,
  testDatabaseUrl,
  testNatsUrl,
} from './test-env';
export {
  createRpcTestClient,
  createTestDatabase,
  createTestEnvironment,
  eventually,
  startTestNats,
  startTestService,
} from './service-harness';
export type { RpcTestClient, TestEnvironment, TestNats } from './service-harness';
export { NCIP_FIXTURES, ncipSamples, ncipSchemaErrors } from './ncip-xsd';
