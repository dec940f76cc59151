import { correctedLatencyMs, globalArrivals, kioskSchedule, mulberry32 } from './arrival-schedule';

describe('arrival schedule', () => {
  it('spaces uniform arrivals exactly 1/rate apart, without drift', () => {
    const a = globalArrivals(500, 10_000);
    expect(a).toHaveLength(5000);
    expect(a[0]).toBe(0);
    expect(a[1]).toBeCloseTo(2);
    expect(a[4999]).toBeCloseTo(9998, 6);
    expect(a.every((t) => t < 10_000)).toBe(true);
  });

  it('draws poisson arrivals at the requested mean rate, reproducibly', () => {
    const a = globalArrivals(500, 60_000, 'poisson', 7);
    expect(a.length).toBeGreaterThan(29_000);
    expect(a.length).toBeLessThan(31_000);
    expect(globalArrivals(500, 60_000, 'poisson', 7)).toEqual(a);
    for (let i = 1; i < a.length; i++) expect(a[i]).toBeGreaterThanOrEqual(a[i - 1]);
  });

  it('gives each kiosk every N-th arrival so the kiosks together keep the rate', () => {
    const all = globalArrivals(100, 1000); // 100 arrivals, 10 ms apart
    const k = [0, 1, 2, 3].map((i) => kioskSchedule(all, i, 4));
    expect(k.map((s) => s.length)).toEqual([25, 25, 25, 25]);
    expect(k[1].slice(0, 3)).toEqual([10, 50, 90]);
    expect(k.flat().sort((x, y) => x - y)).toEqual(all);
  });

  it('measures latency from the scheduled time (coordinated-omission correction)', () => {
    // scheduled at 100 ms, the kiosk was busy until 180 ms, the answer came at 185 ms
    expect(correctedLatencyMs(100, 185)).toBe(85);
    expect(correctedLatencyMs(100, 99)).toBe(0);
  });

  it('has a deterministic PRNG in [0, 1)', () => {
    const r = mulberry32(1);
    const xs = Array.from({ length: 1000 }, r);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(mulberry32(1)()).toBe(xs[0]);
  });

  it('returns nothing for a zero rate or duration', () => {
    expect(globalArrivals(0, 1000)).toEqual([]);
    expect(globalArrivals(10, 0)).toEqual([]);
  });
});
