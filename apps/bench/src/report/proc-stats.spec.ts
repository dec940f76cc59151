import { machineCpuSince, parseProcStatCpu, parseProcStatTicks, parseProcStatus } from './proc-stats';

describe('/proc parsing', () => {
  it('reads RSS, peak RSS and the anon/shmem split from status', () => {
    const text =
      'Name:\tnode\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nRssAnon:\t   90000 kB\nRssFile:\t  10000 kB\nRssShmem:\t    2400 kB\n';
    expect(parseProcStatus(text)).toEqual({ rssKiB: 102400, hwmKiB: 204800, anonKiB: 90000, shmemKiB: 2400 });
  });

  it('reads utime+stime (and reaped children) from stat even when the command has spaces and parens', () => {
    const stat = '1234 (node (bench) x) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 7 3 20 0 11 0 100 0 0';
    expect(parseProcStatTicks(stat)).toBe(300);
    expect(parseProcStatTicks(stat, true)).toBe(310);
  });

  it('splits machine CPU into busy, iowait and steal', () => {
    const a = parseProcStatCpu('cpu  100 0 100 700 50 0 0 50 0 0\ncpu0 1 2 3');
    const b = parseProcStatCpu('cpu  200 0 200 800 100 0 0 100 0 0\ncpu0 1 2 3');
    expect(a).toEqual({ total: 1000, idle: 700, iowait: 50, steal: 50 });
    // +400 jiffies: 200 user/system, 100 idle, 50 iowait, 50 steal (steal counts as busy-not-ours)
    expect(machineCpuSince(a, b)).toEqual({ busy_pct: 62.5, iowait_pct: 12.5, steal_pct: 12.5 });
  });
});
