import { nextRetryDelayMs } from './retry-backoff';

describe('nextRetryDelayMs', () => {
  const p = { baseMs: 30_000, maxDelayMs: 600_000, maxAttempts: 6 };

  it('doubles from the base, capped at the longest delay', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => nextRetryDelayMs(n, p))).toEqual([
      30_000, 60_000, 120_000, 240_000, 480_000, 600_000,
    ]);
  });

  it('runs out after the bounded number of attempts: then a person decides', () => {
    expect(nextRetryDelayMs(6, p)).toBeNull();
    expect(nextRetryDelayMs(0, { ...p, maxAttempts: 0 })).toBeNull();
  });

  it('never overflows for a large count', () => {
    expect(nextRetryDelayMs(99, { ...p, maxAttempts: 100 })).toBe(600_000);
  });
});
