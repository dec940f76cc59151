import { encodeHistogram, mergeEncoded, newHistogram, recordMs, summarize } from './latency-histogram';

describe('latency histogram summary', () => {
  it('summarises percentiles in ms at 3 significant digits', () => {
    const h = newHistogram();
    for (let i = 1; i <= 1000; i++) recordMs(h, i / 10); // 0.1 .. 100 ms
    const s = summarize(h);
    expect(s.count).toBe(1000);
    expect(s.p50_ms).toBeCloseTo(50, 0);
    expect(s.p95_ms).toBeCloseTo(95, 0);
    expect(s.p99_ms).toBeCloseTo(99, 0);
    expect(s.max_ms).toBeCloseTo(100, 0);
    expect(s.mean_ms).toBeCloseTo(50.05, 0);
  });

  it('is all zeros when empty', () => {
    expect(summarize(newHistogram())).toEqual({ count: 0, p50_ms: 0, p95_ms: 0, p99_ms: 0, max_ms: 0, mean_ms: 0 });
  });

  it('keeps sub-millisecond and clamps absurd values', () => {
    const h = newHistogram();
    recordMs(h, 0);
    recordMs(h, 0.25);
    recordMs(h, 10 * 60_000);
    const s = summarize(h);
    expect(s.count).toBe(3);
    expect(s.p50_ms).toBeCloseTo(0.25, 2);
    expect(s.max_ms).toBeGreaterThanOrEqual(119_000);
  });

  it('merges histograms encoded in worker threads', () => {
    const a = newHistogram();
    const b = newHistogram();
    for (let i = 0; i < 900; i++) recordMs(a, 1);
    for (let i = 0; i < 100; i++) recordMs(b, 20);
    const merged = summarize(mergeEncoded([encodeHistogram(a), encodeHistogram(b)]));
    expect(merged.count).toBe(1000);
    expect(merged.p50_ms).toBeCloseTo(1, 1);
    expect(merged.p95_ms).toBeCloseTo(20, 0);
    expect(merged.max_ms).toBeCloseTo(20, 0);
  });
});
