// Jest globalSetup (e2e project): the whole suite as real processes, started by the same launcher as
// `npm start`, on a private data dir and free ports. Uses the compiled dist/ (npm run build first):
// globalSetup modules get no moduleNameMapper, and e2e should run what operators run.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { E2E_ENV_VAR, E2eEnv } from './e2e-env';
import { startNoticeSink } from './notice-sink';

const root = path.resolve(__dirname, '../..');
const dist = path.join(root, 'dist');

export default async function globalSetup(): Promise<void> {
  const launcherJs = path.join(dist, 'libs/suite/src/index.js');
  if (!fs.existsSync(launcherJs))
    throw new Error(`${launcherJs} missing: run "npm run build" before the e2e tests (npm test does)`);
  require('reflect-metadata');
  const { launchSuite } = require(launcherJs) as typeof import('../../libs/suite/src');
  const { loadConfig } = require(
    path.join(dist, 'libs/common/src/config/load-config.js'),
  ) as typeof import('../../libs/common/src/config/load-config');
  const { LauncherEnvDto } = require(launcherJs) as typeof import('../../libs/suite/src');
  const { findFreePorts } = require(
    path.join(dist, 'libs/runtime/src/free-port.js'),
  ) as typeof import('../../libs/runtime/src/free-port');

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'circulation-e2e-'));
  const [pg, nats, http, sip2, sip2tls] = await findFreePorts(5);
  const apiKey = 'e2e-ops-key-' + Math.random().toString(36).slice(2);
  const env = loadConfig(LauncherEnvDto, {
    DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(pg),
    EMBEDDED_NATS_PORT: String(nats),
    PORT: String(http),
    SIP2_PORT: String(sip2),
    SIP2_TLS_PORT: String(sip2tls),
    BOOTSTRAP_API_KEY: apiKey,
    METRICS_BASE_PORT: '0',
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
  });
  const logFile = fs.createWriteStream(path.join(dataDir, 'services.log'));
  // O2O notices (with pickup codes) go to a local webhook the specs can read; jobs run only on demand
  const noticeSink = await startNoticeSink();
  const o2oEnv = { NOTIFIER_SENDER: 'webhook', NOTIFIER_WEBHOOK_URL: noticeSink.url, DELIVERY_JOB_INTERVAL_MS: '0' };
  const started = Date.now();
  const suite = await launchSuite({
    env,
    passEnv: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...o2oEnv,
      // field-circulation.e2e-spec: the loans process kills itself right after committing this one
      // checkout (a test-only hook, refused under NODE_ENV=production); SIP2 writes wait long enough
      // for the launcher to restart it on a busy machine
      LOANS_TEST_EXIT_AFTER_COMMIT: 'CN-320583-1-KSL/CRASH-0001',
      SIP2_WRITE_DEADLINE_MS: '20000',
    },
    distRoot: dist,
    log: (m) => logFile.write(`[launcher] ${m}\n`),
    stdout: logFile,
    stderr: logFile,
  });
  const out: E2eEnv = {
    gatewayUrl: suite.gatewayUrl,
    apiKey,
    natsUrl: suite.natsUrl,
    databaseUrl: suite.databaseUrl,
    sip2Port: suite.sip2Port,
    sip2TlsPort: suite.sip2TlsPort,
    dataDir,
    noticeSinkUrl: noticeSink.url,
    metricsUrls: suite.metricsUrls,
  };
  const envFile = path.join(dataDir, 'e2e-env.json');
  fs.writeFileSync(envFile, JSON.stringify(out, null, 2));
  process.env[E2E_ENV_VAR] = envFile;
  (globalThis as Record<string, unknown>).__circulationE2E__ = { suite, dataDir, logFile, noticeSink };
  process.stderr.write(
    `\n[e2e] suite up in ${Date.now() - started} ms (logs: ${path.join(dataDir, 'services.log')})\n`,
  );
}
