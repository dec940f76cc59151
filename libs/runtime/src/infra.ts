import * as path from 'node:path';
import { EmbeddedNats, startEmbeddedNats } from './embedded-nats';
import { EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres';
import { Logger } from './process-utils';

export type InfraMode = 'embedded' | 'containers';

export interface Infra {
  /** postgres://... pointing at database `circulation`. */
  databaseUrl: string;
  /** the same database for processes on this machine (embedded: its Unix socket); else databaseUrl */
  localDatabaseUrl: string;
  /** nats://host:port, JetStream enabled. */
  natsUrl: string;
  mode: InfraMode;
  /** Stops everything that was started. Idempotent. */
  stop(): Promise<void>;
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
}

/** PostgreSQL + NATS from local binaries (see ensureBinaries), started in parallel. */
export async function startInfra(opts: StartInfraOptions): Promise<Infra> {
  const rootDir = path.resolve(opts.rootDir);
  const [pg, nats] = await Promise.allSettled([
    startEmbeddedPostgres({ dataDir: path.join(rootDir, 'postgres'), port: opts.pgPort, fast: opts.fast, log: opts.log }),
    startEmbeddedNats({
      dataDir: path.join(rootDir, 'nats'),
      port: opts.natsPort,
      monitorPort: opts.natsMonitorPort,
      log: opts.log,
    }),
  ]);
  const started = [pg, nats].filter(
    (r): r is PromiseFulfilledResult<EmbeddedPostgres | EmbeddedNats> => r.status === 'fulfilled',
  );
  const failed = [pg, nats].filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length > 0) {
    // Don't leak the half that did start.
    await Promise.all(started.map((r) => r.value.stop().catch(() => undefined)));
    if (failed.length === 1) throw failed[0].reason;
    throw new Error(failed.map((f) => String((f.reason as Error)?.message ?? f.reason)).join('\n\n'));
  }
  const pgValue = (pg as PromiseFulfilledResult<EmbeddedPostgres>).value;
  const natsValue = (nats as PromiseFulfilledResult<EmbeddedNats>).value;
  let stopping: Promise<void> | undefined;
  return {
    databaseUrl: pgValue.url,
    localDatabaseUrl: pgValue.socketUrl,
    natsUrl: natsValue.url,
    mode: 'embedded',
    stop: () => (stopping ??= Promise.all([pgValue.stop(), natsValue.stop()]).then(() => undefined)),
  };
}
