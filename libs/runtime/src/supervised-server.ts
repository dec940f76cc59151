import { registerChildCleanup } from './process-cleanup';
import { Logger, sleep } from './process-utils';

/** What a server start function hands back: enough to watch it and to stop it. */
export interface WatchableServer {
  pid: number | undefined;
  /** settles when the server process is gone, for whatever reason */
  exited: Promise<unknown>;
  stop(): Promise<void>;
}

export type ServerState = 'up' | 'restarting' | 'stopped';

export interface ServerStatus {
  state: ServerState;
  pid: number | undefined;
  /** restarts after an unexpected exit, since the first start */
  restarts: number;
  /** when the last unexpected exit was seen (ms since the epoch) */
  lastExitAt?: number;
}

export interface SupervisedServer<T extends WatchableServer> {
  readonly name: string;
  /** the running instance (undefined while it is being restarted) */
  current(): T | undefined;
  status(): ServerStatus;
  /** resolves once the server is up again (at once when it is up) */
  whenUp(): Promise<T>;
  /** stops the server and the supervision (no restart after this). Idempotent. */
  stop(): Promise<void>;
}

export interface SuperviseOptions {
  /** first back-off after an unexpected exit; doubled per failed attempt up to maxBackoffMs */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  log: Logger;
}

/**
 * Starts a server (nats-server, the PostgreSQL postmaster) and starts it again whenever it exits
 * without being asked to, with back-off while restarts keep failing, so the embedded default heals
 * itself the way the services already do (the launcher's ServiceSupervisor). Each exit and each
 * return is one clear log line.
 */
export async function superviseServer<T extends WatchableServer>(
  name: string,
  start: () => Promise<T>,
  opts: SuperviseOptions,
): Promise<SupervisedServer<T>> {
  const initial = opts.initialBackoffMs ?? 250;
  const max = opts.maxBackoffMs ?? 10_000;
  let instance: T | undefined = await start();
  let state: ServerState = 'up';
  let restarts = 0;
  let lastExitAt: number | undefined;
  let stopping = false;
  let waiters: ((t: T) => void)[] = [];

  const watch = async (running: T): Promise<void> => {
    await running.exited;
    if (stopping) return;
    state = 'restarting';
    instance = undefined;
    lastExitAt = Date.now();
    const pid = running.pid;
    // release what the dead instance registered (exit hooks, pid files); it is already gone
    await running.stop().catch(() => undefined);
    let backoff = initial;
    opts.log(`${name} (pid ${pid}) exited unexpectedly; restarting it in ${backoff} ms`);
    for (let attempt = 1; !stopping; attempt++) {
      await sleep(backoff);
      if (stopping) return;
      try {
        const next = await start();
        if (stopping) {
          await next.stop();
          return;
        }
        restarts++;
        instance = next;
        state = 'up';
        opts.log(`${name} is up again (pid ${next.pid}) after ${Date.now() - lastExitAt} ms, restart #${restarts}`);
        const w = waiters;
        waiters = [];
        for (const resolve of w) resolve(next);
        void watch(next);
        return;
      } catch (err) {
        backoff = Math.min(max, backoff * 2);
        opts.log(`${name} restart attempt ${attempt} failed (${firstLine(err)}); next attempt in ${backoff} ms`);
      }
    }
  };
  void watch(instance);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      stopping = true;
      state = 'stopped';
      unregister();
      await instance?.stop();
    })());
  // On SIGINT/SIGTERM or exit the servers' own cleanup stops them: that exit is not a crash to heal.
  // (Entries are stopped together, synchronously first, so `stopping` is set before any exit is seen.)
  const unregister = registerChildCleanup({
    name: `supervisor:${name}`,
    stop,
    killSync: () => {
      stopping = true;
    },
  });
  return {
    name,
    current: () => instance,
    status: () => ({ state, pid: instance?.pid, restarts, lastExitAt }),
    whenUp: () => (instance ? Promise.resolve(instance) : new Promise<T>((resolve) => waiters.push(resolve))),
    stop,
  };
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0];
}
