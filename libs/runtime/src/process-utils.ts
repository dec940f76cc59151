import { spawn } from 'node:child_process';
import * as fs from 'node:fs';

export type Logger = (line: string) => void;

export const noopLog: Logger = () => undefined;

export interface RunOptions {
  /** Run through `runuser -u <user> --` (only meaningful when we are root). */
  asUser?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  log?: Logger;
  /** Kill the command after this many ms (default: no limit). */
  timeoutMs?: number;
}

export interface RunResult {
  code: number;
  output: string;
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Runs a command to completion, capturing stdout+stderr; never throws on a non-zero exit. */
export function runCommand(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const [file, argv] = opts.asUser ? ['runuser', ['-u', opts.asUser, '--', cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    // cwd '/' by default: a root-only cwd makes postgres tools complain when run as `postgres`.
    const child = spawn(file, argv, {
      cwd: opts.cwd ?? '/',
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      if (opts.log) for (const line of text.split('\n')) if (line.trim()) opts.log(line);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('error', (err) => {
      if (timer) clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), output });
    });
  });
}

/** Like runCommand but rejects with the captured output when the exit code is non-zero. */
export async function runChecked(cmd: string, args: string[], opts: RunOptions = {}): Promise<string> {
  const res = await runCommand(cmd, args, opts);
  if (res.code !== 0) {
    const shown = opts.asUser ? `runuser -u ${opts.asUser} -- ${cmd}` : cmd;
    throw new Error(`${shown} ${args.join(' ')} exited with ${res.code}:\n${res.output.trim()}`);
  }
  return res.output;
}

const HAS_PROC = fs.existsSync('/proc/self/stat');

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM means it exists but belongs to someone else.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // A daemonised postmaster is reparented to PID 1; until that reaps it, it is a zombie that kill(0) still sees.
  if (!HAS_PROC) return true;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
  } catch {
    return false; // vanished meanwhile
  }
}

/** Command line of a live process (Linux /proc), or undefined when unknown. */
export function processCommandLine(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return undefined;
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function waitForProcessExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isProcessAlive(pid)) return true;
    await sleep(100);
  }
  return !isProcessAlive(pid);
}
