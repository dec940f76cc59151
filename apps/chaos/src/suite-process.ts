import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sleep } from './load-drivers';

/** The launcher's LAUNCHER_STATE_FILE (apps/launcher/src/launcher-state.ts). */
export interface LauncherState {
  launcherPid: number;
  dataDir: string;
  databaseUrl: string;
  natsUrl: string;
  gatewayUrls: string[];
  sip2Ports: number[];
  services: Record<string, { pid?: number }>;
  servers: Record<string, { state: string; pid?: number; restarts: number }>;
}

export interface SuiteProcessOptions {
  distRoot: string;
  dataDir: string;
  env: Record<string, string>;
  log: (m: string) => void;
  startupTimeoutMs: number;
}

/**
 * The whole suite as `npm start` runs it: the launcher as a child process on a private data dir and
 * loopback ports, its output in <dataDir>/suite.log. Faults go only to processes this launcher
 * started, found through its state file and checked again just before each signal.
 */
export class SuiteProcess {
  private child?: ChildProcess;
  private forgetSignals: () => void = () => undefined;
  readonly stateFile: string;
  readonly logFile: string;

  constructor(private readonly opts: SuiteProcessOptions) {
    this.stateFile = path.join(opts.dataDir, 'launcher-state.json');
    this.logFile = path.join(opts.dataDir, 'suite.log');
  }

  async start(): Promise<LauncherState> {
    const out = fs.openSync(this.logFile, 'a');
    this.child = spawn(process.execPath, [path.join(this.opts.distRoot, 'apps/launcher/src/main.js')], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/',
        ...this.opts.env,
        DATA_DIR: this.opts.dataDir,
        LAUNCHER_STATE_FILE: this.stateFile,
      },
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    // interrupted: the launcher stops its services and servers, then we go
    const child = this.child;
    const onSignal = (signal: NodeJS.Signals) => {
      this.opts.log(`${signal}: stopping the suite`);
      child.once('exit', () => process.exit(130));
      child.kill('SIGTERM');
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    this.forgetSignals = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    };
    const deadline = Date.now() + this.opts.startupTimeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(
          `the launcher exited during start-up (code ${this.child.exitCode}); see ${this.logFile}:\n${tail(this.logFile)}`,
        );
      }
      if (fs.existsSync(this.stateFile)) return this.state();
      await sleep(250);
    }
    throw new Error(`the suite did not start within ${this.opts.startupTimeoutMs} ms; see ${this.logFile}`);
  }

  state(): LauncherState {
    return JSON.parse(fs.readFileSync(this.stateFile, 'utf8')) as LauncherState;
  }

  /** SIGTERM the launcher (it stops services, then PostgreSQL and NATS); SIGKILL after 60 s. */
  async stop(): Promise<void> {
    this.forgetSignals();
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    await exited;
    clearTimeout(timer);
  }

  /**
   * Signals a service process (`loans`, `loans-2`) or an embedded server (`postgres`, `nats`,
   * `nats-2`) of this suite, after checking that the pid really is ours: a service must be a child of
   * our launcher, a server must run on our data dir. Returns the pid signalled.
   */
  signal(target: string, signal: NodeJS.Signals): number {
    const s = this.state();
    const service = s.services[target];
    const server = s.servers[target];
    const pid = service?.pid ?? server?.pid;
    if (!pid) throw new Error(`${target} has no running process right now`);
    if (service) {
      if (parentPid(pid) !== s.launcherPid)
        throw new Error(`refusing to signal ${pid}: not a child of our launcher ${s.launcherPid}`);
    } else if (!(cmdline(pid) ?? '').includes(s.dataDir)) {
      throw new Error(`refusing to signal ${pid}: its command line does not name our data dir ${s.dataDir}`);
    }
    process.kill(pid, signal);
    return pid;
  }
}

function parentPid(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function cmdline(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return undefined;
  }
}

function tail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-30).join('\n');
  } catch {
    return '';
  }
}
