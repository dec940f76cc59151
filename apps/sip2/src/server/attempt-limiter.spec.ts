import { AttemptLimiter } from './attempt-limiter';

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
