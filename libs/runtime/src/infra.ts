import * as path from 'node:path';
import { EmbeddedNats, startEmbeddedNats } from './embedded-nats';
import { EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres';
import { findFreePorts } from './free-port';
import { Logger } from './process-utils';
import { ServerStatus, superviseServer, SupervisedServer } from './supervised-server';

export type InfraMode = 'embedded' | 'containers';

export interface Infra {
  /** postgres://... pointing at database `circulation`. */
  databaseUrl: string;
  /** the same database for processes on this machine (embedded: its Unix socket); else databaseUrl */
  localDatabaseUrl: string;
  /** nats://host:port, JetStream enabled. */
  natsUrl: string;
  mode: InfraMode;
  /**
   * Embedded with `supervise`: the servers by name (`postgres`, `nats`, or `nats-1`..`nats-N` for a
   * cluster), each restarted when it dies. For status lines and fault tests.
   */
  servers?: Record<string, SupervisedServer<EmbeddedPostgres | EmbeddedNats>>;
  /** Stops everything that was started. Idempotent. */
  stop(): Promise<void>;
}

/** Status of every supervised server (empty when not supervised). */
export function infraStatus(infra: Infra): Record<string, ServerStatus> {
  return Object.fromEntries(Object.entries(infra.servers ?? {}).map(([name, s]) => [name, s.status()]));
}

export interface StartInfraOptions {
  /** Holds <rootDir>/postgres and <rootDir>/nats; reused across runs. */
  rootDir: string;
  pgPort: number;
  natsPort: number;
  natsMonitorPort?: number;
  /** Tests only: no fsync. */
  fast?: boolean;
  log?: Logger;
  /**
   * Restart PostgreSQL and nats-server when they die (with back-off), logging each exit and return
   * through `supervisionLog` (default: `log`).
   */
  supervise?: boolean;
  supervisionLog?: Logger;
  /**
   * Run a loopback cluster of this many nats-server nodes (JetStream clustered) instead of one:
   * client ports natsPort, natsPort+1, …; route ports are picked free. Default 1.
   */
  natsNodes?: number;
}

/** PostgreSQL + NATS from local binaries (see ensureBinaries), started in parallel. */
export async function startInfra(opts: StartInfraOptions): Promise<Infra> {
  const rootDir = path.resolve(opts.rootDir);
  const nodes = opts.natsNodes ?? 1;
  const supervisionLog = opts.supervisionLog ?? opts.log ?? (() => undefined);
  const routePorts = nodes > 1 ? await findFreePorts(nodes) : [];
  const startPg = () =>
    startEmbeddedPostgres({
      dataDir: path.join(rootDir, 'postgres'),
      port: opts.pgPort,
      fast: opts.fast,
      log: opts.log,
    });
  const startNats = (i: number) => () =>
    startEmbeddedNats({
      dataDir: path.join(rootDir, nodes > 1 ? `nats-${i + 1}` : 'nats'),
      port: opts.natsPort + i,
      monitorPort: i === 0 ? opts.natsMonitorPort : undefined,
      log: opts.log,
      cluster:
        nodes > 1
          ? {
              name: 'circulation',
              serverName: `nats-${i + 1}`,
              port: routePorts[i],
              routePorts: routePorts.filter((_, j) => j !== i),
            }
          : undefined,
    });
  type Server = { name: string; handle: { stop(): Promise<void> } };
  const wrap = async (name: string, start: () => Promise<EmbeddedPostgres | EmbeddedNats>): Promise<Server> =>
    opts.supervise
      ? { name, handle: await superviseServer(name, start, { log: supervisionLog }) }
      : { name, handle: await start() };
  const natsNames = Array.from({ length: nodes }, (_, i) => (nodes > 1 ? `nats-${i + 1}` : 'nats'));
  const results = await Promise.allSettled([
    wrap('postgres', startPg),
    ...natsNames.map((n, i) => wrap(n, startNats(i))),
  ]);
  const started = results
    .filter((r): r is PromiseFulfilledResult<Server> => r.status === 'fulfilled')
    .map((r) => r.value);
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length > 0) {
    // Don't leak what did start.
    await Promise.all(started.map((r) => r.handle.stop().catch(() => undefined)));
    if (failed.length === 1) throw failed[0].reason;
    throw new Error(failed.map((f) => String((f.reason as Error)?.message ?? f.reason)).join('\n\n'));
  }
  const current = <T>(s: Server) =>
    (opts.supervise ? (s.handle as SupervisedServer<EmbeddedPostgres | EmbeddedNats>).current() : s.handle) as T;
  const pgValue = current<EmbeddedPostgres>(started[0]);
  const natsUrl = natsNames.map((_, i) => `nats://127.0.0.1:${opts.natsPort + i}`).join(',');
  let stopping: Promise<void> | undefined;
  return {
    databaseUrl: pgValue.url,
    localDatabaseUrl: pgValue.socketUrl,
    natsUrl,
    mode: 'embedded',
    servers: opts.supervise
      ? Object.fromEntries(started.map((s) => [s.name, s.handle as SupervisedServer<EmbeddedPostgres | EmbeddedNats>]))
      : undefined,
    stop: () => (stopping ??= Promise.all(started.map((s) => s.handle.stop())).then(() => undefined)),
  };
}
