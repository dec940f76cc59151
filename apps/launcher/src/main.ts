import 'reflect-metadata';
import * as path from 'node:path';
import { loadConfigOrExit } from '@app/common';
import { DEMO_API_KEY, launchSuite, LauncherEnvDto } from '@app/suite';
import { writeLauncherState } from './launcher-state';

/** `npm start`: the whole suite on one machine. Ctrl-C stops every service, then PostgreSQL and NATS. */
async function main(): Promise<void> {
  const env = loadConfigOrExit(LauncherEnvDto, 'launcher');
  const log = (msg: string) => process.stderr.write(`[launcher] ${msg}\n`);
  const suite = await launchSuite({ env, passEnv: process.env, distRoot: path.resolve(__dirname, '../../..'), log });
  const clearState = env.LAUNCHER_STATE_FILE
    ? writeLauncherState(env.LAUNCHER_STATE_FILE, suite, path.resolve(env.DATA_DIR))
    : () => undefined;

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping services, then PostgreSQL and NATS …`);
    clearState();
    void suite.stop().then(
      () => process.exit(0),
      (err) => {
        log(`shutdown error: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('exit', () => suite.supervisor.killAllSync());

  const lines = [
    '',
    'Library circulation suite is up.',
    `  HTTP API      ${suite.gatewayUrl}/api   (Swagger UI ${suite.gatewayUrl}/api/docs, OpenAPI ${suite.gatewayUrl}/api/openapi.json)`,
    `  Health        ${suite.gatewayUrl}/health`,
    `  SIP2          tcp 127.0.0.1:${suite.sip2Port}, tls 127.0.0.1:${suite.sip2TlsPort}   (demo terminals kiosk01 / locker01)`,
    `  PostgreSQL    ${suite.databaseUrl}`,
    `  NATS          ${suite.natsUrl}`,
    `  Metrics       ${Object.entries(suite.metricsUrls)
      .map(([name, url]) => `${name} ${url.replace(/\/metrics$/, '')}`)
      .join(', ')}   (GET /metrics; gateway also ${suite.gatewayUrl}/metrics)`,
    suite.apiKey === DEMO_API_KEY
      ? `  API key       ${DEMO_API_KEY}   (demo key set by npm start; set BOOTSTRAP_API_KEY for your own)`
      : suite.apiKey
        ? '  API key       from BOOTSTRAP_API_KEY'
        : '  API key       printed once by the gateway at its first start (see its log above)',
    `  Try           curl -s -X POST ${suite.gatewayUrl}/api/circulation/checkout -H 'Authorization: Bearer ${suite.apiKey ?? '<key>'}' -H 'Content-Type: application/json' \\`,
    `                  -d '{"patron":{"agency":"CN-320583-1-KSL","barcode":"P0000001"},"item":{"agency":"CN-320583-1-KSL","barcode":"B0000001"},"branch":"KSL-MAIN"}'`,
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stderr.write(lines.join('\n') + '\n');
}

main().catch((err) => {
  process.stderr.write(`[launcher] failed to start: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
