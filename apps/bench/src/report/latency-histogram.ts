import * as hdr from 'hdr-histogram-js';

/** Latency recorded in microseconds (1 µs .. 120 s, 3 significant digits); summaries in ms. */
export const HIGHEST_US = 120_000_000;

export interface LatencySummary {
  count: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  mean_ms: number;
}

export function newHistogram(): hdr.Histogram {
  return hdr.build({
    bitBucketSize: 'packed',
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

export function recordMs(h: hdr.Histogram, ms: number): void {
  const us = Math.round(ms * 1000);
  h.recordValue(Math.min(HIGHEST_US, Math.max(1, us)));
}

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

export function summarize(h: hdr.Histogram): LatencySummary {
  if (h.totalCount === 0) return { count: 0, p50_ms: 0, p95_ms: 0, p99_ms: 0, max_ms: 0, mean_ms: 0 };
  return {
    count: h.totalCount,
    p50_ms: round(h.getValueAtPercentile(50) / 1000),
    p95_ms: round(h.getValueAtPercentile(95) / 1000),
    p99_ms: round(h.getValueAtPercentile(99) / 1000),
    max_ms: round(h.maxValue / 1000),
    mean_ms: round(h.mean / 1000),
  };
}

/** Histograms cross worker threads as compressed base64 and are merged in the main thread. */
export function encodeHistogram(h: hdr.Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

export function mergeEncoded(encoded: readonly string[]): hdr.Histogram {
  const total = newHistogram();
  for (const e of encoded) total.add(hdr.decodeFromCompressedBase64(e, 'packed', false));
  return total;
}
