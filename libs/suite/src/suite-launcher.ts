import * as os from 'node:os';
import * as path from 'node:path';
import { createStandaloneRpcClient, NatsRpcClient } from '@app/common';
import { HealthCheck, ServiceName, ServiceNames } from '@app/contracts';
import { findFreePorts, Infra, startInfra } from '@app/runtime';
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
  /** each service's Prometheus endpoint */
  metricsUrls: Record<string, string>;
  embedded: boolean;
  seed?: SeedReport;
  supervisor: ServiceSupervisor;
  /** the embedded servers (supervised), when embedded */
  infra?: Infra;
  /** supervisor names of every service process: `loans`, `loans-2`, … */
  processes: string[];
  /** every gateway and SIP2 replica's address (the first is gatewayUrl / sip2Port) */
  gatewayUrls: string[];
  sip2Ports: number[];
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
    log(
      `embedded default: PostgreSQL on 127.0.0.1:${env.EMBEDDED_PG_PORT} and nats-server on 127.0.0.1:${env.EMBEDDED_NATS_PORT}, data in ${rootDir}`,
    );
    // supervised: a killed postmaster or nats-server is started again (docs/reliability.md)
    infra = await startInfra({
      rootDir,
      pgPort: env.EMBEDDED_PG_PORT,
      natsPort: env.EMBEDDED_NATS_PORT,
      natsNodes: env.NATS_CLUSTER,
      supervise: true,
      supervisionLog: (l) => log(`embedded ${l}`),
      log: (l) => /\] (ready|initdb|installing)/i.test(l) && log(l),
    });
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
  // the embedded demo has a well-known key: loopback only unless LISTEN_HOST opens it
  if (env.LISTEN_HOST) Object.assign(common, { HTTP_HOST: env.LISTEN_HOST, SIP2_HOST: env.LISTEN_HOST });
  else if (embedded) {
    common.HTTP_HOST ??= '127.0.0.1';
    common.SIP2_HOST ??= '127.0.0.1';
    log(`gateway on ${common.HTTP_HOST}, SIP2 on ${common.SIP2_HOST}; LISTEN_HOST=0.0.0.0 opens them to the network`);
  }
  // the demo's patron pseudonym key; a real deployment sets its own secret (statistics refuses to start without one)
  if (embedded) common.STATS_PATRON_HASH_KEY ??= 'demo-statistics-pseudonym-key';
  if (embedded && env.NATS_CLUSTER > 1) common.NATS_STREAM_REPLICAS ??= String(Math.min(3, env.NATS_CLUSTER));
  // libuv's pool runs the scrypt hashes (PINs in patrons, terminal passwords in sip2), 16 MiB each while
  // it runs: no more threads than cores (they are CPU-bound), unless the environment says otherwise
  common.UV_THREADPOOL_SIZE ??= String(serviceThreadpoolSize());

  const supervisor = new ServiceSupervisor({ distRoot: opts.distRoot, log, stdout: opts.stdout, stderr: opts.stderr });
  const nodeFlags = (name: string) =>
    env.SERVICE_NODE_FLAGS !== undefined ? parseNodeFlags(env.SERVICE_NODE_FLAGS) : defaultServiceNodeFlags(name);
  const stop = async () => {
    await supervisor.stopAll();
    await infra?.stop();
  };

  const replicas = env.SERVICE_REPLICAS;
  const portOf = (base: number, k: number) => base + (k - 1) * env.REPLICA_PORT_OFFSET;
  const processName = (name: string, k: number) => (k === 1 ? name : `${name}-${k}`);
  // replica k of the listeners gets its own ports (no SO_REUSEPORT in Node 20): a balancer goes in front
  const replicaEnv = (k: number): Record<string, string> =>
    k === 1
      ? common
      : {
          ...common,
          PORT: String(portOf(env.PORT, k)),
          SIP2_PORT: String(portOf(env.SIP2_PORT, k)),
          SIP2_TLS_PORT: String(portOf(env.SIP2_TLS_PORT, k)),
        };
  // each process its own Prometheus listener: replica k shifted like its other ports
  let metricsPorts = {} as Record<ServiceName | 'gateway', number>;
  const startService = (name: ServiceName | 'gateway', k: number) =>
    supervisor.start({
      name: processName(name, k),
      entry: `apps/${name}/src/main.js`,
      env: { ...replicaEnv(k), METRICS_PORT: String(portOf(metricsPorts[name], k)) },
      nodeFlags: nodeFlags(name),
    });
  const processes: string[] = [];

  try {
    const wanted = opts.services ?? ALL;
    metricsPorts = await metricsPortsFor(env.METRICS_BASE_PORT, [
      env.PORT,
      env.SIP2_PORT,
      env.SIP2_TLS_PORT,
      env.EMBEDDED_PG_PORT,
      env.EMBEDDED_NATS_PORT,
    ]);
    const metricsHost = common.METRICS_HOST ?? '127.0.0.1';
    const metricsUrls = Object.fromEntries(
      wanted.map((name) => [name, `http://${metricsHost}:${metricsPorts[name]}/metrics`]),
    );
    for (const name of wanted.filter((s) => s !== 'gateway')) {
      startService(name, 1);
      processes.push(name);
    }
    // seeding on a loaded machine (scrypt PINs) can take seconds per request
    const { client, close } = createStandaloneRpcClient(natsUrl!, 'launcher', 10_000);
    try {
      // each replica adds its boot to the start-up on a small machine
      const deadline = Date.now() + (opts.startupTimeoutMs ?? env.STARTUP_TIMEOUT_SECONDS * 1000 * replicas);
      await Promise.all(
        wanted
          .filter((s): s is ServiceName => s !== 'gateway')
          .map((name) =>
            waitUntil(
              deadline,
              async () => (await client.call(HealthCheck(name), {})).status === 'up',
              `${name} healthy`,
            ),
          ),
      );
      // further replicas once the first has migrated the schema (migrations are not run concurrently)
      for (let k = 2; k <= replicas; k++) {
        for (const name of wanted.filter((s) => s !== 'gateway')) {
          startService(name, k);
          processes.push(processName(name, k));
        }
      }
      for (let k = 2; k <= replicas; k++) {
        await Promise.all(
          wanted
            .filter((s): s is ServiceName => s !== 'gateway')
            .map((name) =>
              waitUntil(
                deadline,
                () => answersHealth(client, name, supervisor.pids()[processName(name, k)]),
                `${processName(name, k)} healthy`,
              ),
            ),
        );
      }
      if (wanted.includes('gateway')) {
        for (let k = 1; k <= replicas; k++) {
          startService('gateway', k);
          processes.push(processName('gateway', k));
          await waitUntil(
            deadline,
            async () => (await fetch(`http://127.0.0.1:${portOf(env.PORT, k)}/health`)).status === 200,
            `${processName('gateway', k)} healthy`,
          );
        }
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
        metricsUrls,
        embedded,
        seed,
        supervisor,
        infra,
        processes,
        gatewayUrls: Array.from(
          { length: wanted.includes('gateway') ? replicas : 0 },
          (_, i) => `http://127.0.0.1:${portOf(env.PORT, i + 1)}`,
        ),
        sip2Ports: Array.from({ length: wanted.includes('sip2') ? replicas : 0 }, (_, i) =>
          portOf(env.SIP2_PORT, i + 1),
        ),
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

/**
 * Metrics port of every service: base + index in the suite's order, or free ports when base is 0 —
 * never one of the suite's other ports (the OS may hand out again a free port a caller picked for them).
 */
async function metricsPortsFor(base: number, taken: number[]): Promise<Record<ServiceName | 'gateway', number>> {
  const ports =
    base === 0
      ? (await findFreePorts(ALL.length + taken.length)).filter((p) => !taken.includes(p)).slice(0, ALL.length)
      : ALL.map((_, i) => base + i);
  return Object.fromEntries(ALL.map((name, i) => [name, ports[i]])) as Record<ServiceName | 'gateway', number>;
}

/**
 * Whether the process `pid` of a service answers its health check as up. Replicas share one queue
 * group, so a request reaches one of them at random: ask a few times and look for this pid's answer.
 */
async function answersHealth(client: NatsRpcClient, name: ServiceName, pid: number | undefined): Promise<boolean> {
  for (let i = 0; i < 8 && pid; i++) {
    const h = await client.call(HealthCheck(name), {});
    // (a health answer without a pid cannot tell replicas apart: then any replica up will do)
    if (h.pid === pid || h.pid === undefined) return h.status === 'up';
  }
  return false;
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
