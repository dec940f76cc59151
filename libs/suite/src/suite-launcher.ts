import * as os from 'node:os';
import * as path from 'node:path';
import { createStandaloneRpcClient } from '@app/common';
import { HealthCheck, ServiceName, ServiceNames } from '@app/contracts';
import { Infra, startInfra } from '@app/runtime';
import { defaultServiceNodeFlags, LauncherEnvDto, parseNodeFlags } from './config/launcher-env.dto';
import { DemoSeeder, SeedReport } from './demo-seeder';
import { ServiceSupervisor } from './service-supervisor';

export const DEMO_API_KEY = 'demo-admin-key';

export interface LaunchOptions {
  env: LauncherEnvDto;
  /** the rest of the environment, passed to every service (they validate what they read) */
  passEnv: NodeJS.ProcessEnv;
  /** directory holding the compiled apps (dist/) */
  distRoot: string;
  log: (msg: string) => void;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  /** which services to run (default: all, gateway last) */
  services?: (ServiceName | 'gateway')[];
  startupTimeoutMs?: number;
}

export interface RunningSuite {
  /** what to give psql (embedded: TCP on 127.0.0.1) */
  databaseUrl: string;
  /** what the services connect with (embedded: the Unix socket; else DATABASE_URL) */
  serviceDatabaseUrl: string;
  natsUrl: string;
  gatewayUrl: string;
  sip2Port: number;
  sip2TlsPort: number;
  apiKey?: string;
  embedded: boolean;
  seed?: SeedReport;
  supervisor: ServiceSupervisor;
  stop(): Promise<void>;
}

const ALL: (ServiceName | 'gateway')[] = [...ServiceNames, 'gateway'];

/** Infra (embedded or given), every service as its own process, health-gated, demo data on first run. */
export async function launchSuite(opts: LaunchOptions): Promise<RunningSuite> {
  const { env, log } = opts;
  let infra: Infra | undefined;
  let databaseUrl = env.DATABASE_URL;
  let serviceDatabaseUrl = databaseUrl;
  let natsUrl = env.NATS_URL;
  const embedded = !databaseUrl || !natsUrl;
  if (embedded) {
    if (databaseUrl || natsUrl) throw new Error('set both DATABASE_URL and NATS_URL, or neither (embedded default)');
    const rootDir = path.resolve(env.DATA_DIR);
    log(`embedded default: PostgreSQL on 127.0.0.1:${env.EMBEDDED_PG_PORT} and nats-server on 127.0.0.1:${env.EMBEDDED_NATS_PORT}, data in ${rootDir}`);
    infra = await startInfra({ rootDir, pgPort: env.EMBEDDED_PG_PORT, natsPort: env.EMBEDDED_NATS_PORT, log: (l) => /\] (ready|initdb|installing)/i.test(l) && log(l) });
    databaseUrl = infra.databaseUrl;
    serviceDatabaseUrl = infra.localDatabaseUrl;
    natsUrl = infra.natsUrl;
  }

  // the embedded demo gets a known key so the README's curl examples work; say so loudly
  const apiKey = env.BOOTSTRAP_API_KEY ?? (embedded ? DEMO_API_KEY : undefined);
  const common: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.passEnv)) if (v !== undefined) common[k] = v;
  Object.assign(common, {
    DATABASE_URL: serviceDatabaseUrl!,
    NATS_URL: natsUrl!,
    LOG_LEVEL: env.LOG_LEVEL,
    LIBRARY_TIMEZONE: env.LIBRARY_TIMEZONE,
    PORT: String(env.PORT),
    SIP2_PORT: String(env.SIP2_PORT),
    SIP2_TLS_PORT: String(env.SIP2_TLS_PORT),
    SIP2_TLS_DIR: path.resolve(env.DATA_DIR, 'sip2-tls'),
  });
  if (apiKey) common.BOOTSTRAP_API_KEY = apiKey;
  // libuv's pool runs the scrypt hashes (PINs in patrons, terminal passwords in sip2), 16 MiB each while
  // it runs: no more threads than cores (they are CPU-bound), unless the environment says otherwise
  common.UV_THREADPOOL_SIZE ??= String(serviceThreadpoolSize());

  const supervisor = new ServiceSupervisor({ distRoot: opts.distRoot, log, stdout: opts.stdout, stderr: opts.stderr });
  const nodeFlags = (name: string) => (env.SERVICE_NODE_FLAGS !== undefined ? parseNodeFlags(env.SERVICE_NODE_FLAGS) : defaultServiceNodeFlags(name));
  const stop = async () => {
    await supervisor.stopAll();
    await infra?.stop();
  };

  try {
    const wanted = opts.services ?? ALL;
    for (const name of wanted.filter((s) => s !== 'gateway')) {
      supervisor.start({ name, entry: `apps/${name}/src/main.js`, env: common, nodeFlags: nodeFlags(name) });
    }
    const { client, close } = createStandaloneRpcClient(natsUrl!, 'launcher', 2000);
    try {
      const deadline = Date.now() + (opts.startupTimeoutMs ?? env.STARTUP_TIMEOUT_SECONDS * 1000);
      await Promise.all(
        wanted
          .filter((s): s is ServiceName => s !== 'gateway')
          .map((name) => waitUntil(deadline, async () => (await client.call(HealthCheck(name), {})).status === 'up', `${name} healthy`)),
      );
      if (wanted.includes('gateway')) {
        supervisor.start({ name: 'gateway', entry: 'apps/gateway/src/main.js', env: common, nodeFlags: nodeFlags('gateway') });
        await waitUntil(deadline, async () => (await fetch(`http://127.0.0.1:${env.PORT}/health`)).status === 200, 'gateway healthy');
      }
      let seed: SeedReport | undefined;
      if (env.SEED_DEMO === 'true') {
        seed = await new DemoSeeder(client, log).seed({ onlyIfEmpty: true });
        if (seed.skipped) log('demo data already present (npm run seed:demo re-applies it)');
      }
      return {
        databaseUrl: databaseUrl!,
        serviceDatabaseUrl: serviceDatabaseUrl!,
        natsUrl: natsUrl!,
        gatewayUrl: `http://127.0.0.1:${env.PORT}`,
        sip2Port: env.SIP2_PORT,
        sip2TlsPort: env.SIP2_TLS_PORT,
        apiKey,
        embedded,
        seed,
        supervisor,
        stop,
      };
    } finally {
      await close();
    }
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

/** libuv threads per service: one per core, at least 2 and at most libuv's default of 4. */
export function serviceThreadpoolSize(cores = os.availableParallelism()): number {
  return Math.min(4, Math.max(2, cores));
}

async function waitUntil(deadline: number, check: () => Promise<boolean>, what: string): Promise<void> {
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}
