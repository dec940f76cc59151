import { connect } from 'nats';
import { Client } from 'pg';
import type { Infra } from './infra';
import { Logger, noopLog } from './process-utils';

export interface ContainerInfraOptions {
  /** Bind these host ports; random mapped ports when omitted. */
  pgPort?: number;
  natsPort?: number;
  fast?: boolean;
  log?: Logger;
}

const PG_IMAGE = 'postgres:16';
const NATS_IMAGE = 'nats:2.10';
const PROBE_TIMEOUT_MS = 3_000;

// testcontainers is loaded lazily: it is heavy and pointless on machines without Docker.
type Testcontainers = typeof import('testcontainers');
const loadTestcontainers = (): Promise<Testcontainers> => import('testcontainers');

/**
 * True when a Docker-compatible engine answers within `timeoutMs` (default 3s).
 * Always false when TESTCONTAINERS_DISABLED=1 (then testcontainers is not even loaded).
 */
export async function isContainerRuntimeAvailable(timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  if (process.env.TESTCONTAINERS_DISABLED === '1') return false;
  let timer: NodeJS.Timeout | undefined;
  try {
    const probe = loadTestcontainers().then(async (tc) => {
      await tc.getContainerRuntimeClient();
      return true;
    });
    probe.catch(() => undefined); // the loser of the race must not become an unhandled rejection
    const timeout = new Promise<boolean>((r) => {
      timer = setTimeout(() => r(false), timeoutMs);
      timer.unref();
    });
    return await Promise.race([probe, timeout]);
  } catch {
    return false;
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** postgres:16 and nats:2.10 -js via testcontainers (Ryuk removes them if we die). */
export async function startInfraWithContainers(opts: ContainerInfraOptions = {}): Promise<Infra> {
  const log = opts.log ?? noopLog;
  const { GenericContainer, Wait } = await loadTestcontainers();
  const pgSettings = ['max_connections=300', 'shared_buffers=256MB'];
  if (opts.fast) pgSettings.push('fsync=off', 'synchronous_commit=off', 'full_page_writes=off');

  log(`[containers] starting ${PG_IMAGE} and ${NATS_IMAGE}`);
  let pgContainer = new GenericContainer(PG_IMAGE)
    .withEnvironment({ POSTGRES_USER: 'postgres', POSTGRES_PASSWORD: 'postgres', POSTGRES_DB: 'circulation' })
    .withExposedPorts(opts.pgPort ? { container: 5432, host: opts.pgPort } : 5432)
    .withCommand(['postgres', ...pgSettings.flatMap((s) => ['-c', s])])
    // Docker's default 64MB /dev/shm is too small for parallel queries with these buffers.
    .withSharedMemorySize(512 * 1024 * 1024)
    // The entrypoint starts a temporary server first, hence the message appears twice.
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .withStartupTimeout(120_000);
  if (opts.fast) pgContainer = pgContainer.withTmpFs({ '/var/lib/postgresql/data': 'rw' });
  const natsContainer = new GenericContainer(NATS_IMAGE)
    .withCommand(['-js', '-m', '8222'])
    .withExposedPorts(opts.natsPort ? { container: 4222, host: opts.natsPort } : 4222, 8222)
    .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
    .withStartupTimeout(60_000);

  const [pg, nats] = await Promise.allSettled([pgContainer.start(), natsContainer.start()]);
  if (pg.status === 'rejected' || nats.status === 'rejected') {
    if (pg.status === 'fulfilled') await pg.value.stop().catch(() => undefined);
    if (nats.status === 'fulfilled') await nats.value.stop().catch(() => undefined);
    throw (pg.status === 'rejected' ? pg : (nats as PromiseRejectedResult)).reason;
  }
  const databaseUrl = `postgres://postgres:postgres@${pg.value.getHost()}:${pg.value.getMappedPort(5432)}/circulation`;
  const natsUrl = `nats://${nats.value.getHost()}:${nats.value.getMappedPort(4222)}`;

  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= Promise.all([pg.value.stop(), nats.value.stop()]).then(() => undefined));
  try {
    // Same guarantees as the embedded path: a real query and a real NATS handshake.
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query('select 1');
    await client.end();
    const nc = await connect({ servers: natsUrl, timeout: 5_000, reconnect: false });
    await nc.close();
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  log(`[containers] ready: ${databaseUrl} ${natsUrl}`);
  return { databaseUrl, localDatabaseUrl: databaseUrl, natsUrl, mode: 'containers', stop };
}
