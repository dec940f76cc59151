import * as fs from 'node:fs';
import * as path from 'node:path';
import { ServiceName, ServiceNames } from '@app/contracts';
import { findFreePorts } from '@app/runtime';
import { launchSuite, LauncherEnvDto, RunningSuite } from '@app/suite';

export interface BenchSuite {
  suite: RunningSuite;
  /** services actually started (those present in dist/) */
  services: (ServiceName | 'gateway')[];
  missing: string[];
  infraPids: Record<string, number | undefined>;
  dataDir: string;
  logFile: string;
  startSeconds: number;
  /** the only service setting the bench changes (see bringUpSuite) */
  sip2MaxConnectionsPerAddress: string;
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').split('\n')[0].trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The suite under test, through the launcher's own launchSuite: embedded PostgreSQL + NATS under its own
 * data dir (default .data/bench/<scale>) on free ports, so it never clashes with a running `npm start`,
 * or the servers in DATABASE_URL / NATS_URL. Every service is its own process, as deployed; their
 * output goes to <dataDir>/services.log.
 */
export async function bringUpSuite(opts: {
  scale: string;
  kiosks: number;
  distRoot: string;
  cpuProfDir?: string;
  log: (m: string) => void;
}): Promise<BenchSuite> {
  const started = Date.now();
  const dataDir = path.resolve(process.env.BENCH_DATA_DIR ?? path.join('.data', 'bench', opts.scale));
  fs.mkdirSync(dataDir, { recursive: true });
  const [pgPort, natsPort, httpPort, sipPort, sipTlsPort] = await findFreePorts(5);
  const env = Object.assign(new LauncherEnvDto(), {
    DATABASE_URL: process.env.DATABASE_URL || undefined,
    NATS_URL: process.env.NATS_URL || undefined,
    DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: pgPort,
    EMBEDDED_NATS_PORT: natsPort,
    PORT: httpPort,
    SIP2_PORT: sipPort,
    SIP2_TLS_PORT: sipTlsPort,
    // free Prometheus ports (not 9464+): the bench never clashes with a running `npm start` or another suite
    METRICS_BASE_PORT: 0,
    LOG_LEVEL: (process.env.LOG_LEVEL as LauncherEnvDto['LOG_LEVEL']) ?? 'info',
    SEED_DEMO: 'true' as const,
    // node flags of the services as `npm start` gives them, unless set here (e.g. to compare GC settings)
    SERVICE_NODE_FLAGS: process.env.SERVICE_NODE_FLAGS,
  });
  const has = (name: string) => fs.existsSync(path.join(opts.distRoot, 'apps', name, 'src', 'main.js'));
  const wanted = [...ServiceNames, 'gateway' as const].filter(has);
  const missing = [...ServiceNames, 'gateway'].filter((s) => !has(s));
  if (missing.length) opts.log(`not built (skipped): ${missing.join(', ')}`);
  const logFile = path.join(dataDir, 'services.log');
  const logStream = fs.createWriteStream(logFile, { flags: 'a' });
  logStream.setMaxListeners(0); // every service pipes stdout and stderr into it
  const passEnv: NodeJS.ProcessEnv = { ...process.env };
  delete passEnv.DATABASE_URL;
  delete passEnv.NATS_URL;
  // Real kiosks connect from their own addresses; here every simulated kiosk is 127.0.0.1, so the sip2
  // service's per-address cap (64 by default) is raised to let them all in. Nothing else is changed.
  passEnv.SIP2_MAX_CONNECTIONS_PER_ADDRESS ??= String(Math.max(64, opts.kiosks + 16));
  // they also all connect at once, before any has logged in (the cap of connections not logged in yet)
  passEnv.SIP2_MAX_UNAUTHENTICATED_PER_ADDRESS ??= String(Math.max(16, opts.kiosks + 16));
  passEnv.SIP2_MAX_UNAUTHENTICATED ??= String(Math.max(256, opts.kiosks + 16));
  if (opts.cpuProfDir) {
    fs.mkdirSync(opts.cpuProfDir, { recursive: true });
    // node refuses --cpu-prof in NODE_OPTIONS; a preload starts the inspector's profiler instead
    passEnv.NODE_OPTIONS =
      `${passEnv.NODE_OPTIONS ?? ''} --require ${path.join(__dirname, 'profiling', 'cpu-profile-preload.js')}`.trim();
    passEnv.BENCH_CPU_PROF_DIR = opts.cpuProfDir;
  }
  const suite = await launchSuite({
    env,
    passEnv,
    distRoot: opts.distRoot,
    log: (m) => opts.log(`launcher: ${m}`),
    stdout: logStream,
    stderr: logStream,
    services: wanted,
    startupTimeoutMs: 120_000,
  });
  const infraPids = suite.embedded
    ? {
        postgres: readPid(path.join(dataDir, 'postgres', 'postmaster.pid')),
        nats: readPid(path.join(dataDir, 'nats', 'nats-server.pid')),
      }
    : {};
  return {
    suite,
    services: wanted,
    missing,
    infraPids,
    dataDir,
    logFile,
    startSeconds: (Date.now() - started) / 1000,
    sip2MaxConnectionsPerAddress: passEnv.SIP2_MAX_CONNECTIONS_PER_ADDRESS,
  };
}
