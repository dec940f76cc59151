/**
 * Open-loop arrival schedule. Messages arrive at a fixed total rate whatever the system does; each
 * kiosk owns every N-th arrival (one SIP2 connection carries one request at a time), and a message's
 * latency is measured from its scheduled time, so a stall shows up as latency of every message that
 * should have been sent during it (no coordinated omission).
 */
export interface ArrivalPlan {
  /** ms offsets from the start of the run, ascending, all < durationMs */
  offsetsMs: number[];
}

/** Deterministic PRNG (mulberry32) so schedules and generated data are reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * All arrivals of a run: `uniform` spaces them exactly 1/rate apart; `poisson` draws exponential gaps
 * with mean 1/rate (seeded). Arrival j goes to kiosk j mod kiosks.
 */
export function globalArrivals(
  ratePerS: number,
  durationMs: number,
  kind: 'uniform' | 'poisson' = 'uniform',
  seed = 1,
): number[] {
  if (!(ratePerS > 0) || !(durationMs > 0)) return [];
  const gap = 1000 / ratePerS;
  const out: number[] = [];
  if (kind === 'uniform') {
    // by index, not by repeated addition, so there is no drift over long runs
    for (let j = 0; j * gap < durationMs; j++) out.push(j * gap);
    return out;
  }
  const rnd = mulberry32(seed);
  let t = -Math.log(1 - rnd()) * gap;
  while (t < durationMs) {
    out.push(t);
    t += -Math.log(1 - rnd()) * gap;
  }
  return out;
}

/** The arrivals of one kiosk (k of `kiosks`): every kiosks-th global arrival starting at k. */
export function kioskSchedule(all: readonly number[], kiosk: number, kiosks: number): number[] {
  const mine: number[] = [];
  for (let j = kiosk; j < all.length; j += kiosks) mine.push(all[j]);
  return mine;
}

/** Latency under coordinated-omission correction: from the scheduled send time, never the actual one. */
export function correctedLatencyMs(scheduledAtMs: number, completedAtMs: number): number {
  return Math.max(0, completedAtMs - scheduledAtMs);
}
