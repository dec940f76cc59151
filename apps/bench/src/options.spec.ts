import { parseBenchArgs, UsageError } from './options';

describe('bench options', () => {
  it('defaults to the full scale, 200 kiosks, 500 msg/s', () => {
    const o = parseBenchArgs([]);
    expect(o).toMatchObject({ scale: 'full', kiosks: 200, rate: 500, sweep: [25, 50, 100, 200], smoke: false });
  });

  it('makes --smoke tiny and quick', () => {
    const o = parseBenchArgs(['--smoke', '--out', '/tmp/x.json']);
    expect(o).toMatchObject({ scale: 'smoke', smoke: true, out: '/tmp/x.json', kiosks: 4 });
    expect(o.openSeconds).toBeLessThanOrEqual(5);
  });

  it('parses values, with = too, and drops sweep levels above the kiosk count', () => {
    const o = parseBenchArgs(['--scale=small', '--kiosks', '50', '--sweep', '10,50,100', '--rate=200', '--cpu-prof']);
    expect(o).toMatchObject({ scale: 'small', kiosks: 50, sweep: [10, 50], rate: 200, cpuProf: true });
  });

  it('rejects what it does not know', () => {
    expect(() => parseBenchArgs(['--scale', 'huge'])).toThrow(UsageError);
    expect(() => parseBenchArgs(['--kiosks', 'x'])).toThrow(/--kiosks/);
    expect(() => parseBenchArgs(['--frobnicate'])).toThrow(/unknown option/);
    expect(() => parseBenchArgs(['--smoke', '--scale', 'full'])).toThrow(/--smoke/);
  });
});
