/**
 * Sliding-window failure counter per key (remote address, terminal, connection, card). O(failures) memory,
 * pruned on access and by sweep(); used to slow password and PIN guessing through a kiosk port.
 */
export class AttemptLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs = 60_000,
  ) {}

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** True while the key has reached its failure budget for the window. */
  isThrottled(key: string, now = Date.now()): boolean {
    return this.recent(key, now).length >= this.maxFailures;
  }

  /** Failures of the key within the window. */
  count(key: string, now = Date.now()): number {
    return this.recent(key, now).length;
  }

  /** Records a failure; returns the failures within the window, this one included. */
  recordFailure(key: string, now = Date.now()): number {
    const list = this.recent(key, now);
    list.push(now);
    this.failures.set(key, list);
    return list.length;
  }

  /** Keys with failures (some may be past the window until the next access or sweep). */
  keys(): string[] {
    return [...this.failures.keys()];
  }

  reset(key: string): void {
    this.failures.delete(key);
  }

  /** Forgets every key for which `match` is true (staff clearing a terminal's state). */
  resetWhere(match: (key: string) => boolean): void {
    for (const key of [...this.failures.keys()]) if (match(key)) this.failures.delete(key);
  }

  sweep(now = Date.now()): void {
    for (const key of [...this.failures.keys()]) this.recent(key, now);
  }
}

/**
 * Growing delay instead of a wall: nothing for the first `free` failures of a window, then `baseMs`
 * doubling per further failure up to `maxMs`. Slows a guesser to a crawl while a reader or kiosk that
 * then gets it right is answered at once.
 */
export function growingDelayMs(failures: number, free: number, baseMs: number, maxMs: number): number {
  const excess = failures - free;
  if (excess <= 0 || maxMs <= 0) return 0;
  return Math.min(maxMs, baseMs * 2 ** Math.min(excess - 1, 20));
}

export const sleep = (ms: number): Promise<void> =>
  ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
