import { AttemptLimiter, growingDelayMs } from './attempt-limiter';

describe('AttemptLimiter', () => {
  it('throttles a key after N failures inside the window and recovers after it', () => {
    const l = new AttemptLimiter(3, 60_000);
    const t = 1_000_000;
    for (let i = 0; i < 3; i++) l.recordFailure('10.0.0.1', t + i);
    expect(l.isThrottled('10.0.0.1', t + 10)).toBe(true);
    expect(l.isThrottled('10.0.0.2', t + 10)).toBe(false);
    expect(l.isThrottled('10.0.0.1', t + 60_010)).toBe(false);
  });
});

describe('growingDelayMs', () => {
  it('is free within the budget, then doubles up to the cap', () => {
    expect([5, 6, 7, 8, 9, 30, 1000].map((n) => growingDelayMs(n, 5, 250, 4000))).toEqual([
      0, 250, 500, 1000, 2000, 4000, 4000,
    ]);
    expect(growingDelayMs(50, 5, 250, 0)).toBe(0);
  });
});
