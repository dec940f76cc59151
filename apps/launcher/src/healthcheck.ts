import 'reflect-metadata';
/**
 * Container health check: `healthcheck <service>` asks the service over NATS (or the gateway over
 * HTTP) and exits 0 only when it reports up. Reads NATS_URL / PORT like the services do.
 */
import { createStandaloneRpcClient } from '@app/common';
import { HealthCheck, ServiceName } from '@app/contracts';

async function main(): Promise<number> {
  const service = process.argv[2];
  if (service === 'gateway') {
    const res = await fetch(`http://127.0.0.1:${process.env.PORT ?? 3000}/health`);
    return res.status === 200 ? 0 : 1;
  }
  const { client, close } = createStandaloneRpcClient(
    process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    `healthcheck-${service}`,
    2000,
  );
  try {
    const health = await client.call(HealthCheck(service as ServiceName), {});
    return health.status === 'up' ? 0 : 1;
  } finally {
    await close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`unhealthy: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
