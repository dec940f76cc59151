import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { connect } from 'nats';
import { ensureBinaries } from './binaries';
import { registerChildCleanup } from './process-cleanup';
import { isProcessAlive, Logger, noopLog, processCommandLine, sleep, waitForProcessExit } from './process-utils';

export interface EmbeddedNatsOptions {
  /** JetStream store goes to <dataDir>/jetstream; reused across restarts. */
  dataDir: string;
  port: number;
  /** HTTP monitoring port (/healthz, /varz); off when omitted. */
  monitorPort?: number;
  log?: Logger;
  /** Max time to become connectable (default 30s). */
  timeoutMs?: number;
  /** One node of a loopback cluster: its name, its route port and the other nodes' route ports. */
  cluster?: { name: string; serverName: string; port: number; routePorts: number[] };
}

export interface EmbeddedNats {
  /** nats://127.0.0.1:<port> */
  url: string;
  port: number;
  monitorUrl?: string;
  /** the nats-server process (for supervision and fault tests) */
  pid: number;
  /** settles when the process exits, for whatever reason */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, wait for exit (SIGKILL after 10s). Idempotent. */
  stop(): Promise<void>;
}

const PID_FILE = 'nats-server.pid';
const STOP_GRACE_MS = 10_000;

/** Kills a nats-server left running on this data dir by a killed parent (it would hold the store). */
async function clearStaleServer(dataDir: string, log: Logger): Promise<void> {
  const pidFile = path.join(dataDir, PID_FILE);
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  } catch {
    return;
  }
  const cmdline = Number.isInteger(pid) && pid > 0 ? processCommandLine(pid) : undefined;
  if (cmdline && /nats-server/.test(cmdline) && cmdline.includes(dataDir) && isProcessAlive(pid)) {
    log(`[nats] nats-server pid ${pid} from an earlier run still uses ${dataDir}; stopping it`);
    process.kill(pid, 'SIGTERM');
    if (!(await waitForProcessExit(pid, STOP_GRACE_MS))) {
      process.kill(pid, 'SIGKILL');
      await waitForProcessExit(pid, 2_000);
    }
  }
  fs.rmSync(pidFile, { force: true });
}

async function waitUntilConnectable(url: string, child: ChildProcess, deadline: number): Promise<void> {
  let lastErr: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`nats-server exited early (code ${child.exitCode}, signal ${child.signalCode})`);
    }
    try {
      // A real client handshake, not just an open TCP port.
      const nc = await connect({ servers: url, timeout: 1_000, reconnect: false });
      await nc.close();
      return;
    } catch (err) {
      lastErr = err;
      await sleep(100);
    }
  }
  throw new Error(`nats-server at ${url} not connectable in time: ${String(lastErr)}`);
}

export async function startEmbeddedNats(opts: EmbeddedNatsOptions): Promise<EmbeddedNats> {
  const log = opts.log ?? noopLog;
  const dataDir = path.resolve(opts.dataDir);
  const { natsServer } = await ensureBinaries({ log });
  const storeDir = path.join(dataDir, 'jetstream');
  fs.mkdirSync(storeDir, { recursive: true });
  await clearStaleServer(dataDir, log);

  const args = ['-js', '-sd', storeDir, '-a', '127.0.0.1', '-p', String(opts.port), '-P', path.join(dataDir, PID_FILE)];
  if (opts.monitorPort) args.push('-m', String(opts.monitorPort));
  if (opts.cluster) {
    const { name, serverName, port, routePorts } = opts.cluster;
    args.push('--server_name', serverName, '--cluster_name', name, '--cluster', `nats://127.0.0.1:${port}`);
    if (routePorts.length > 0) args.push('--routes', routePorts.map((p) => `nats://127.0.0.1:${p}`).join(','));
  }

  const url = `nats://127.0.0.1:${opts.port}`;
  log(`[nats] starting ${natsServer} ${args.join(' ')}`);
  const started = Date.now();
  const child = spawn(natsServer, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dataDir });

  // Keep the last lines for error messages; forward to the logger when one is given.
  const recent: string[] = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      recent.push(line);
      if (recent.length > 40) recent.shift();
      log(`[nats] ${line}`);
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  spawnError.catch(() => undefined);
  // The server must never keep the parent alive; the exit hook below stops it instead.
  child.unref();
  (child.stdout as unknown as { unref?: () => void }).unref?.();
  (child.stderr as unknown as { unref?: () => void }).unref?.();

  let stopping: Promise<void> | undefined;
  // pid is undefined when spawn itself failed (then no 'exit' event ever comes).
  const isRunning = () => child.pid !== undefined && child.exitCode === null && child.signalCode === null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      unregister();
      if (isRunning()) {
        child.kill('SIGTERM');
        const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), STOP_GRACE_MS).unref());
        if ((await Promise.race([exited, timer])) === 'timeout') {
          log('[nats] did not exit after SIGTERM; sending SIGKILL');
          child.kill('SIGKILL');
          await exited;
        }
      }
      fs.rmSync(path.join(dataDir, PID_FILE), { force: true }); // nats-server 2.9 leaves it behind
      log(`[nats] stopped (port ${opts.port})`);
    })();
    return stopping;
  };
  const unregister = registerChildCleanup({
    name: `nats:${opts.port}`,
    stop,
    killSync: () => {
      if (isRunning()) child.kill('SIGTERM');
    },
  });

  try {
    await Promise.race([waitUntilConnectable(url, child, Date.now() + (opts.timeoutMs ?? 30_000)), spawnError]);
  } catch (err) {
    await stop().catch(() => undefined);
    throw new Error(`${(err as Error).message}\n--- nats-server output ---\n${recent.join('\n')}`);
  }
  log(`[nats] ready at ${url} in ${Date.now() - started} ms`);
  return {
    url,
    port: opts.port,
    monitorUrl: opts.monitorPort ? `http://127.0.0.1:${opts.monitorPort}` : undefined,
    pid: child.pid!,
    exited,
    stop,
  };
}
