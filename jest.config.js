// Four tiers: unit (*.spec.ts beside the code, fakes allowed), integration (*.integration-spec.ts, one
// service on real PostgreSQL + NATS started once in globalSetup), system (test/system, several services
// in-process) and e2e (test/e2e, the whole suite as processes).
const moduleNameMapper = {
  '^@app/(contracts|common|sip2-protocol|runtime|suite|testing|time)(/(.*))?$': '<rootDir>/libs/$1/src$2',
};
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
};
const base = { rootDir: __dirname, setupFiles: ['reflect-metadata'], moduleFileExtensions: ['ts', 'js', 'json'], moduleNameMapper, transform, testEnvironment: 'node' };

module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs}/**/*.integration-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/jest/timeout-integration.ts'],
    },
    // last step of npm test: scans the logs the other tiers wrote (LOG_SCAN_DIR, set by test/run-all.sh)
    { ...base, displayName: 'log-scan', testMatch: ['<rootDir>/test/security/**/*.scan-spec.ts'] },
    {
      // several services in one process (booted in-process over a real PostgreSQL + NATS): the tier
      // where an app's spec would otherwise have to import another app
      ...base,
      displayName: 'system',
      testMatch: ['<rootDir>/test/system/**/*.system-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/jest/timeout-integration.ts'],
    },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/e2e/global-setup.ts',
      globalTeardown: '<rootDir>/test/e2e/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/jest/timeout-e2e.ts', '<rootDir>/libs/testing/src/jest/fetch-fresh-connections.ts'],
    },
    // deployment proofs (test/deploy): docker-compose.yml as local processes, restore drill, monitoring files
    { ...base, displayName: 'deploy', testMatch: ['<rootDir>/test/deploy/**/*.deploy-spec.ts'], setupFilesAfterEnv: ['<rootDir>/libs/testing/src/jest/timeout-deploy.ts', '<rootDir>/libs/testing/src/jest/fetch-fresh-connections.ts'] },
  ],
};
