import { parseProcStatTicks, parseProcStatus } from './proc-stats';

describe('/proc parsing', () => {
  it('reads RSS, peak RSS and the anon/shmem split from status', () => {
    const text = 'Name:\tnode\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nRssAnon:\t   90000 kB\nRssFile:\t  10000 kB\nRssShmem:\t    2400 kB\n';
    expect(parseProcStatus(text)).toEqual({ rssKiB: 102400, hwmKiB: 204800, anonKiB: 90000, shmemKiB: 2400 });
  });

  it('reads utime+stime (and reaped children) from stat even when the command has spaces and parens', () => {
    const stat = '1234 (node (bench) x) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 7 3 20 0 11 0 100 0 0';
    expect(parseProcStatTicks(stat)).toBe(300);
    expect(parseProcStatTicks(stat, true)).toBe(310);
  });
});
