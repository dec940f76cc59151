import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { ensureBinaries } from './binaries';
import { registerChildCleanup } from './process-cleanup';
import {
  isProcessAlive,
  isRoot,
  Logger,
  noopLog,
  processCommandLine,
  runChecked,
  runCommand,
  sleep,
  waitForProcessExit,
} from './process-utils';

export interface EmbeddedPostgresOptions {
  /** Cluster directory; initialised on first start, reused afterwards. */
  dataDir: string;
  port: number;
  log?: Logger;
  /** Tests only: fsync/synchronous_commit/full_page_writes off. Data may be lost on a crash. */
  fast?: boolean;
  /** Database created if absent and used in `url` (default `circulation`). */
  database?: string;
  /** Max time for pg_ctl start/stop (default 60s). */
  timeoutMs?: number;
}

export interface EmbeddedPostgres {
  /** postgres://postgres@127.0.0.1:<port>/<database> (trust auth, no password). */
  url: string;
  /**
   * The same database over its Unix socket, for processes on this machine: a round trip costs both
   * sides less CPU than loopback TCP, and the suite is bound by round trips (docs/performance.md).
   */
  socketUrl: string;
  port: number;
  dataDir: string;
  /** the postmaster (for supervision and fault tests) */
  pid: number | undefined;
  /**
   * Settles when the postmaster is gone (pg_ctl daemonises it, so it is not our child: its pid is
   * polled) or when stop() is called.
   */
  exited: Promise<void>;
  /** pg_ctl stop -m fast. Idempotent. */
  stop(): Promise<void>;
}

const SUPERUSER = 'postgres';
const OS_USER = 'postgres';
const DEFAULT_DB = 'circulation';
// Sized for the 2-core / 24 GB target box; many services * pool size need the connections.
const TUNING = ['max_connections=300', 'shared_buffers=256MB'];
const DURABLE = ['fsync=on', 'synchronous_commit=on', 'full_page_writes=on'];
const FAST = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'];
// how often the (daemonised) postmaster's pid is checked for an unexpected exit
const EXIT_POLL_MS = 250;
// Unix socket paths are limited to ~107 bytes including the `.s.PGSQL.<port>` file name.
const MAX_SOCKET_DIR_LEN = 80;

interface OsUser {
  uid: number;
  gid: number;
}

async function lookupOsUser(name: string): Promise<OsUser> {
  try {
    const uid = Number((await runChecked('id', ['-u', name])).trim());
    const gid = Number((await runChecked('id', ['-g', name])).trim());
    return { uid, gid };
  } catch {
    throw new Error(
      `Running as root but OS user '${name}' does not exist (initdb refuses root). ` +
        `Install the postgresql package (it creates the user) or: useradd --system --create-home ${name}`,
    );
  }
}

/** Adds o+x to ancestors the postgres user could not otherwise traverse (e.g. mkdtemp's 0700 dirs). */
function ensureAncestorsTraversable(dir: string, user: OsUser, log: Logger): void {
  let current = path.dirname(dir);
  for (;;) {
    const st = fs.statSync(current);
    const ok =
      (st.mode & 0o001) !== 0 ||
      (st.uid === user.uid && (st.mode & 0o100) !== 0) ||
      (st.gid === user.gid && (st.mode & 0o010) !== 0);
    if (!ok) {
      log(`[postgres] chmod o+x ${current} so the '${OS_USER}' user can reach the data dir`);
      fs.chmodSync(current, (st.mode & 0o7777) | 0o001);
    }
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
}

function chownTree(p: string, user: OsUser): Promise<string> {
  return runChecked('chown', ['-R', `${user.uid}:${user.gid}`, p]);
}

function socketDirFor(dataDir: string): string {
  const inside = path.join(dataDir, 'sockets');
  if (inside.length <= MAX_SOCKET_DIR_LEN) return inside;
  const hash = createHash('sha1').update(dataDir).digest('hex').slice(0, 12);
  return path.join(os.tmpdir(), `pg-sock-${hash}`);
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function readLogTail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function readPostmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * initdb into a sibling temp dir then rename, so a run killed mid-initdb never leaves a
 * half-initialised cluster that looks valid (initdb writes PG_VERSION early).
 */
async function initCluster(
  dataDir: string,
  pgBin: string,
  runAs: string | undefined,
  user: OsUser | undefined,
  log: Logger,
): Promise<void> {
  const tmpDir = `${dataDir}.initdb-tmp`;
  fs.rmSync(tmpDir, { recursive: true, force: true });
  fs.mkdirSync(tmpDir, { recursive: true, mode: 0o700 });
  if (user) fs.chownSync(tmpDir, user.uid, user.gid);
  log(`[postgres] initdb ${dataDir}`);
  await runChecked(
    path.join(pgBin, 'initdb'),
    ['-D', tmpDir, '-U', SUPERUSER, '--auth=trust', '--encoding=UTF8', '--locale=C'],
    { asUser: runAs, log },
  );
  if (fs.existsSync(dataDir)) {
    const leftovers = fs.readdirSync(dataDir);
    if (leftovers.length > 0) {
      throw new Error(
        `Postgres data dir ${dataDir} is not empty but has no PG_VERSION (${leftovers.slice(0, 5).join(', ')}). ` +
          `Refusing to overwrite it; delete it to re-initialise.`,
      );
    }
    fs.rmdirSync(dataDir);
  }
  fs.renameSync(tmpDir, dataDir);
}

/** Deals with a postmaster.pid left behind by a killed run. */
async function clearStalePostmaster(
  dataDir: string,
  pgBin: string,
  runAs: string | undefined,
  log: Logger,
): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = readPostmasterPid(dataDir);
  const cmdline = pid ? processCommandLine(pid) : undefined;
  const isOurPostgres = pid !== undefined && isProcessAlive(pid) && (cmdline === undefined || /postgres/.test(cmdline));
  if (!isOurPostgres) {
    log(`[postgres] removing stale postmaster.pid (pid ${pid ?? '?'} is not a live postgres)`);
    fs.rmSync(pidFile, { force: true });
    return;
  }
  // A postmaster from an earlier (killed) run still owns this dir; restart it so port/options are ours.
  log(`[postgres] postmaster pid ${pid} from an earlier run is still running on ${dataDir}; stopping it`);
  const res = await runCommand(path.join(pgBin, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '30'], {
    asUser: runAs,
  });
  if (res.code !== 0 && pid && isProcessAlive(pid)) {
    process.kill(pid, 'SIGQUIT'); // immediate shutdown; WAL replay on next start takes care of it
    await waitForProcessExit(pid, 10_000);
  }
}

async function waitUntilAcceptingConnections(port: number, deadline: number): Promise<void> {
  let lastErr: unknown;
  while (Date.now() < deadline) {
    const client = new Client({ host: '127.0.0.1', port, user: SUPERUSER, database: 'postgres' });
    try {
      await client.connect();
      await client.query('select 1');
      await client.end();
      return;
    } catch (err) {
      lastErr = err;
      await client.end().catch(() => undefined);
      await sleep(200);
    }
  }
  throw new Error(`postgres on port ${port} did not accept connections: ${String(lastErr)}`);
}

async function ensureDatabase(port: number, database: string, log: Logger): Promise<void> {
  const client = new Client({ host: '127.0.0.1', port, user: SUPERUSER, database: 'postgres' });
  await client.connect();
  try {
    const res = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (res.rowCount === 0) {
      log(`[postgres] create database ${database}`);
      await client.query(`create database "${database.replace(/"/g, '""')}"`);
    }
  } finally {
    await client.end();
  }
}

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = opts.log ?? noopLog;
  const dataDir = path.resolve(opts.dataDir);
  const port = opts.port;
  const database = opts.database ?? DEFAULT_DB;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const { pgBinDir } = await ensureBinaries({ log });
  const pgCtl = path.join(pgBinDir, 'pg_ctl');

  // initdb/pg_ctl refuse to run as root: use the postgres OS user and hand it the directories.
  const runAs = isRoot() ? OS_USER : undefined;
  const user = runAs ? await lookupOsUser(runAs) : undefined;
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  if (user) ensureAncestorsTraversable(dataDir, user, log);

  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await initCluster(dataDir, pgBinDir, runAs, user, log);
  } else if (user && fs.statSync(dataDir).uid !== user.uid) {
    await chownTree(dataDir, user);
  }
  fs.chmodSync(dataDir, 0o700); // postgres refuses group/world-accessible data dirs

  const socketDir = socketDirFor(dataDir);
  fs.mkdirSync(socketDir, { recursive: true, mode: 0o700 });
  if (user) fs.chownSync(socketDir, user.uid, user.gid);

  await clearStalePostmaster(dataDir, pgBinDir, runAs, log);

  const settings = [`listen_addresses=127.0.0.1`, ...TUNING, ...(opts.fast ? FAST : DURABLE)];
  const postgresOpts = [`-p ${port}`, `-k ${shellQuote(socketDir)}`, ...settings.map((s) => `-c ${s}`)].join(' ');
  const logFile = path.join(dataDir, 'embedded-postgres.log');
  log(`[postgres] starting on 127.0.0.1:${port} (${opts.fast ? 'fast, fsync off' : 'durable'})`);
  const started = Date.now();
  const res = await runCommand(
    pgCtl,
    ['start', '-D', dataDir, '-w', '-t', String(Math.ceil(timeoutMs / 1000)), '-l', logFile, '-o', postgresOpts],
    { asUser: runAs, log },
  );
  if (res.code !== 0) {
    throw new Error(
      `pg_ctl start failed (exit ${res.code}) for ${dataDir}:\n${res.output.trim()}\n--- ${logFile} ---\n${readLogTail(logFile)}`,
    );
  }
  const pid = readPostmasterPid(dataDir);

  let stopping: Promise<void> | undefined;
  let watch: NodeJS.Timeout | undefined;
  let markExited: () => void = () => undefined;
  const exited = new Promise<void>((resolve) => (markExited = resolve));
  if (pid) {
    watch = setInterval(() => {
      if (isProcessAlive(pid)) return;
      clearInterval(watch);
      markExited();
    }, EXIT_POLL_MS);
    watch.unref();
  }
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (watch) clearInterval(watch);
      unregister();
      const r = await runCommand(pgCtl, ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '60'], { asUser: runAs });
      if (r.code !== 0 && pid && isProcessAlive(pid)) {
        log(`[postgres] pg_ctl stop failed (${r.output.trim()}); sending SIGQUIT to ${pid}`);
        process.kill(pid, 'SIGQUIT');
        await waitForProcessExit(pid, 10_000);
      }
      log(`[postgres] stopped (${dataDir})`);
      markExited();
    })();
    return stopping;
  };
  const unregister = registerChildCleanup({
    name: `postgres:${port}`,
    stop,
    // SIGINT = fast shutdown; the postmaster finishes it on its own after we are gone.
    killSync: () => {
      if (pid && isProcessAlive(pid)) process.kill(pid, 'SIGINT');
    },
  });

  try {
    await waitUntilAcceptingConnections(port, Date.now() + timeoutMs);
    await ensureDatabase(port, database, log);
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  log(`[postgres] ready on port ${port} in ${Date.now() - started} ms`);
  return {
    url: `postgres://${SUPERUSER}@127.0.0.1:${port}/${database}`,
    socketUrl: `postgres://${SUPERUSER}@/${database}?host=${encodeURIComponent(socketDir)}&port=${port}`,
    port,
    dataDir,
    pid,
    exited,
    stop,
  };
}
