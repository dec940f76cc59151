import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

export interface ServiceSpec {
  name: string;
  /** compiled entry point, relative to the dist root */
  entry: string;
  env: Record<string, string>;
  /** node/V8 flags before the entry point (see defaultServiceNodeFlags) */
  nodeFlags?: string[];
}

export interface SupervisorOptions {
  distRoot: string;
  /** where child output goes (default: this process's stdout/stderr) */
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  log: (msg: string) => void;
}

interface Running {
  spec: ServiceSpec;
  child?: ChildProcess;
  restarts: number;
  startedAt: number;
}

/**
 * Runs each service as its own Node process, the way it is deployed, and restarts one that dies
 * (with back-off) so a crash in one service never takes the suite down.
 */
export class ServiceSupervisor {
  private readonly running = new Map<string, Running>();
  private stopping = false;

  constructor(private readonly opts: SupervisorOptions) {
    // every child's stdout and stderr is piped into the same streams
    for (const s of [opts.stdout ?? process.stdout, opts.stderr ?? process.stderr])
      (s as unknown as { setMaxListeners?: (n: number) => void })?.setMaxListeners?.(100);
  }

  start(spec: ServiceSpec): void {
    const entry: Running = { spec, restarts: 0, startedAt: Date.now() };
    this.running.set(spec.name, entry);
    this.spawn(entry);
  }

  pids(): Record<string, number | undefined> {
    return Object.fromEntries([...this.running].map(([name, r]) => [name, r.child?.pid]));
  }

  private spawn(entry: Running): void {
    const { spec } = entry;
    const child = spawn(process.execPath, [...(spec.nodeFlags ?? []), path.join(this.opts.distRoot, spec.entry)], {
      env: { ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    entry.child = child;
    entry.startedAt = Date.now();

    child.stdout!.pipe(this.opts.stdout ?? process.stdout, { end: false });
    child.stderr!.pipe(this.opts.stderr ?? process.stderr, { end: false });
    child.once('exit', (code, signal) => {
      if (this.stopping) return;
      // a service that keeps dying right after boot backs off up to 30 s between attempts
      const quick = Date.now() - entry.startedAt < 10_000;
      entry.restarts = quick ? entry.restarts + 1 : 0;
      const delay = Math.min(30_000, 500 * 2 ** entry.restarts);
      this.opts.log(`${spec.name} exited (code ${code}, signal ${signal}); restarting in ${delay} ms`);
      setTimeout(() => !this.stopping && this.spawn(entry), delay).unref();
    });
  }

  /** SIGTERM every service (they drain NATS and close pools), SIGKILL whatever is left after 10 s. */
  async stopAll(timeoutMs = 10_000): Promise<void> {
    this.stopping = true;
    const waits = [...this.running.values()].map(({ child }) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      });
    });
    await Promise.all(waits);
  }

  /** Synchronous last resort for process 'exit'. */
  killAllSync(): void {
    this.stopping = true;
    for (const { child } of this.running.values()) {
      if (child && child.exitCode === null) child.kill('SIGTERM');
    }
  }
}
