/**
 * Sliding-window failure counter per key (remote address, terminal, connection). O(failures) memory,
 * pruned on access and by sweep(); used to throttle password and PIN guessing through a kiosk port.
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

  recordFailure(key: string, now = Date.now()): void {
    const list = this.recent(key, now);
    list.push(now);
    this.failures.set(key, list);
  }

  reset(key: string): void {
    this.failures.delete(key);
  }

  sweep(now = Date.now()): void {
    for (const key of [...this.failures.keys()]) this.recent(key, now);
  }
}
