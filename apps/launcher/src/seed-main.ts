import 'reflect-metadata';
import { createStandaloneRpcClient, loadConfigOrExit } from '@app/common';
import { DemoSeeder, LauncherEnvDto } from '@app/suite';

/** `npm run seed:demo`: (re)apply the demo network to a running suite, idempotently. */
async function main(): Promise<void> {
  const env = loadConfigOrExit(LauncherEnvDto, 'seed');
  const natsUrl = env.NATS_URL ?? `nats://127.0.0.1:${env.EMBEDDED_NATS_PORT}`;
  const { client, close } = createStandaloneRpcClient(natsUrl, 'seed-demo', 10_000);
  try {
    const report = await new DemoSeeder(client, (m) => process.stdout.write(`${m}\n`)).seed();
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await close();
  }
}

main().catch((err) => {
  process.stderr.write(`seed failed (is the suite running? start it with npm start): ${(err as Error).message}\n`);
  process.exit(1);
});
