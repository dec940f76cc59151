import * as fs from 'node:fs';
import { infraStatus } from '@app/runtime';
import type { RunningSuite } from '@app/suite';

/**
 * What the launcher runs, as JSON: every service process and embedded server with its pid and
 * state, and the addresses. Written to LAUNCHER_STATE_FILE (when set) at start and whenever it
 * changes, for tools on this machine: `npm run chaos` reads it to fault exactly the processes this
 * launcher started, operators to see what is restarting. Holds no keys.
 */
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

export function launcherState(suite: RunningSuite, dataDir: string): LauncherState {
  const pids = suite.supervisor.pids();
  return {
    launcherPid: process.pid,
    dataDir,
    databaseUrl: suite.databaseUrl,
    natsUrl: suite.natsUrl,
    gatewayUrls: suite.gatewayUrls,
    sip2Ports: suite.sip2Ports,
    services: Object.fromEntries(suite.processes.map((name) => [name, { pid: pids[name] }])),
    servers: suite.infra ? infraStatus(suite.infra) : {},
  };
}

/** Writes the state now and then every `intervalMs` when it changed (atomically: write, then rename). */
export function writeLauncherState(file: string, suite: RunningSuite, dataDir: string, intervalMs = 250): () => void {
  let last = '';
  const write = () => {
    const text = JSON.stringify(launcherState(suite, dataDir), null, 2);
    if (text === last) return;
    last = text;
    fs.writeFileSync(`${file}.tmp`, text);
    fs.renameSync(`${file}.tmp`, file);
  };
  write();
  const timer = setInterval(write, intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    fs.rmSync(file, { force: true });
  };
}
