import * as fs from 'node:fs';

/** VmRSS, VmHWM (peak RSS), RssAnon and RssShmem in KiB from /proc/<pid>/status. */
export function parseProcStatus(text: string): { rssKiB: number; hwmKiB: number; anonKiB: number; shmemKiB: number } {
  const field = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
    return m ? Number(m[1]) : 0;
  };
  return { rssKiB: field('VmRSS'), hwmKiB: field('VmHWM'), anonKiB: field('RssAnon'), shmemKiB: field('RssShmem') };
}

/**
 * utime + stime in clock ticks from /proc/<pid>/stat (the command may contain spaces and parens);
 * with `reaped`, also cutime + cstime (CPU of children that have exited and been waited for).
 */
export function parseProcStatTicks(text: string, reaped = false): number {
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime is field 14, stime 15, cutime 16, cstime 17
  const own = Number(rest[11]) + Number(rest[12]);
  return reaped ? own + Number(rest[13]) + Number(rest[14]) : own;
}

export const CLOCK_TICKS_PER_S = 100; // Linux USER_HZ
const MACHINE = '\0machine';

export interface ProcessUsage {
  pid: number;
  peak_rss_mib: number;
  cpu_seconds: number;
  /** mean CPU over the sampled interval, 100 = one full core */
  cpu_pct: number;
  /** highest CPU over any single sampling interval */
  cpu_pct_peak: number;
}

interface Track {
  pid: number;
  /** a process and its children counted as one (PostgreSQL: postmaster + backends) */
  group: boolean;
  firstTicks: number;
  firstAt: number;
  lastTicks: number;
  lastAt: number;
  peakRssKiB: number;
  peakPct: number;
}

/**
 * Samples /proc for a set of named processes (the suite's services, PostgreSQL, NATS, the benchmark
 * itself). Peak RSS is the max of VmHWM seen, so short spikes between samples still count.
 */
export class ProcSampler {
  private readonly tracks = new Map<string, Track>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly procRoot = '/proc') {}

  watch(name: string, pid: number | undefined, group = false): void {
    if (!pid) return;
    const ticks = this.ticks(pid, group);
    if (ticks === undefined) return;
    const now = Date.now();
    this.tracks.set(name, {
      pid,
      group,
      firstTicks: ticks,
      firstAt: now,
      lastTicks: ticks,
      lastAt: now,
      peakRssKiB: 0,
      peakPct: 0,
    });
    this.sampleOne(this.tracks.get(name)!);
  }

  start(intervalMs = 1000): void {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.sample();
  }

  /** Restart the CPU window (e.g. after data loading) while keeping peak RSS. */
  resetCpu(): void {
    for (const t of this.tracks.values()) {
      const ticks = this.ticks(t.pid, t.group);
      if (ticks === undefined) continue;
      t.firstTicks = t.lastTicks = ticks;
      t.firstAt = t.lastAt = Date.now();
      t.peakPct = 0;
    }
  }

  sample(): void {
    for (const t of this.tracks.values()) this.sampleOne(t);
  }

  report(): Record<string, ProcessUsage> {
    const out: Record<string, ProcessUsage> = {};
    for (const [name, t] of this.tracks) {
      const secs = (t.lastTicks - t.firstTicks) / CLOCK_TICKS_PER_S;
      const wall = (t.lastAt - t.firstAt) / 1000;
      out[name] = {
        pid: t.pid,
        peak_rss_mib: Math.round((t.peakRssKiB / 1024) * 10) / 10,
        cpu_seconds: Math.round(secs * 100) / 100,
        cpu_pct: wall > 0 ? Math.round((secs / wall) * 1000) / 10 : 0,
        cpu_pct_peak: Math.round(t.peakPct * 10) / 10,
      };
    }
    return out;
  }

  /** CPU ticks of every tracked process now, to compute one phase's CPU with cpuSince(). */
  snapshot(): Map<string, { ticks: number; at: number }> {
    const out = new Map<string, { ticks: number; at: number }>();
    const m = readMachineCpu(this.procRoot);
    out.set(MACHINE, { ticks: 0, at: Date.now(), ...{ machine: m } } as { ticks: number; at: number });
    for (const [name, t] of this.tracks) {
      const ticks = this.ticks(t.pid, t.group);
      if (ticks !== undefined) out.set(name, { ticks, at: Date.now() });
    }
    return out;
  }

  /** Mean CPU % (100 = one core) of each process since the snapshot. */
  cpuSince(snap: Map<string, { ticks: number; at: number }>): Record<string, number> {
    const out: Record<string, number> = {};
    const m = (snap.get(MACHINE) as { machine?: ReturnType<typeof parseProcStatCpu> } | undefined)?.machine;
    if (m) {
      const x = machineCpuSince(m, readMachineCpu(this.procRoot));
      out['machine busy (all cores = 100)'] = x.busy_pct;
      out['machine iowait'] = x.iowait_pct;
      out['machine steal'] = x.steal_pct;
    }
    for (const [name, s] of snap) {
      if (name === MACHINE) continue;
      const t = this.tracks.get(name);
      const ticks = t && this.ticks(t.pid, t.group);
      const wall = (Date.now() - s.at) / 1000;
      if (ticks !== undefined && wall > 0)
        out[name] = Math.round(((ticks - s.ticks) / CLOCK_TICKS_PER_S / wall) * 1000) / 10;
    }
    return out;
  }

  private sampleOne(t: Track): void {
    try {
      t.peakRssKiB = Math.max(t.peakRssKiB, this.rssKiB(t));
      const ticks = this.ticks(t.pid, t.group);
      if (ticks === undefined) return;
      const now = Date.now();
      if (now > t.lastAt)
        t.peakPct = Math.max(t.peakPct, ((ticks - t.lastTicks) / CLOCK_TICKS_PER_S / ((now - t.lastAt) / 1000)) * 100);
      t.lastTicks = ticks;
      t.lastAt = now;
    } catch {
      // the process is gone (restarted by the supervisor): keep what we saw
    }
  }

  /** one process: its peak (VmHWM); a group: private memory of all plus the largest shared mapping */
  private rssKiB(t: Track): number {
    const st = parseProcStatus(fs.readFileSync(`${this.procRoot}/${t.pid}/status`, 'utf8'));
    if (!t.group) return Math.max(st.hwmKiB, st.rssKiB);
    let anon = st.anonKiB;
    let shmem = st.shmemKiB;
    for (const c of childPids(t.pid, this.procRoot)) {
      try {
        const cs = parseProcStatus(fs.readFileSync(`${this.procRoot}/${c}/status`, 'utf8'));
        anon += cs.anonKiB;
        shmem = Math.max(shmem, cs.shmemKiB);
      } catch {
        // exited between listing and reading
      }
    }
    return anon + shmem;
  }

  private ticks(pid: number, group = false): number | undefined {
    try {
      let ticks = parseProcStatTicks(fs.readFileSync(`${this.procRoot}/${pid}/stat`, 'utf8'), group);
      if (group) {
        for (const c of childPids(pid, this.procRoot)) {
          try {
            ticks += parseProcStatTicks(fs.readFileSync(`${this.procRoot}/${c}/stat`, 'utf8'));
          } catch {
            // exited
          }
        }
      }
      return ticks;
    } catch {
      return undefined;
    }
  }
}

/** Machine-wide CPU split from the first line of /proc/stat (jiffies). */
export function parseProcStatCpu(text: string): { total: number; idle: number; iowait: number; steal: number } {
  const f = text.split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal guest guest_nice (guest is already in user)
  const total = f.slice(0, 8).reduce((a, b) => a + (b || 0), 0);
  return { total, idle: f[3] ?? 0, iowait: f[4] ?? 0, steal: f[7] ?? 0 };
}

/** Busy / iowait / steal % of the whole machine (100 = all cores) since an earlier reading. */
export function machineCpuSince(
  before: ReturnType<typeof parseProcStatCpu>,
  after: ReturnType<typeof parseProcStatCpu>,
): { busy_pct: number; iowait_pct: number; steal_pct: number } {
  const dt = after.total - before.total || 1;
  const pct = (x: number) => Math.round((x / dt) * 1000) / 10;
  return {
    busy_pct: pct(dt - (after.idle - before.idle) - (after.iowait - before.iowait)),
    iowait_pct: pct(after.iowait - before.iowait),
    steal_pct: pct(after.steal - before.steal),
  };
}

export function readMachineCpu(procRoot = '/proc'): ReturnType<typeof parseProcStatCpu> {
  return parseProcStatCpu(fs.readFileSync(`${procRoot}/stat`, 'utf8'));
}

/** pids of a process's children (PostgreSQL backends etc.), from /proc/<pid>/task/<pid>/children. */
export function childPids(pid: number, procRoot = '/proc'): number[] {
  try {
    return fs
      .readFileSync(`${procRoot}/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}
