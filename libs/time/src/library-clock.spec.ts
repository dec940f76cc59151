import { LibraryClock } from './library-clock';

describe('LibraryClock', () => {
  it("computes today's date in the library zone, not the server's or UTC", () => {
    // 2025-03-01 17:30 UTC is already 2025-03-02 01:30 in Shanghai (UTC+8)
    const at = new Date('2025-03-01T17:30:00Z');
    expect(new LibraryClock('Asia/Shanghai', () => at).today()).toBe('2025-03-02');
    expect(new LibraryClock('UTC', () => at).today()).toBe('2025-03-01');
    expect(new LibraryClock('America/New_York', () => at).today()).toBe('2025-03-01');
  });

  it('treats the expiry day as still valid and the day after as expired (Shanghai midnight)', () => {
    const beforeMidnight = new LibraryClock('Asia/Shanghai', () => new Date('2025-12-31T15:59:59Z')); // 23:59:59 CST
    const afterMidnight = new LibraryClock('Asia/Shanghai', () => new Date('2025-12-31T16:00:00Z')); // 00:00 CST Jan 1
    expect(beforeMidnight.isExpired('2025-12-31')).toBe(false);
    expect(afterMidnight.isExpired('2025-12-31')).toBe(true);
    expect(afterMidnight.isExpired('2026-01-01')).toBe(false);
  });

  it('zero-pads months and days so string order is date order', () => {
    const clock = new LibraryClock('Asia/Shanghai', () => new Date('2025-01-05T00:00:00Z'));
    expect(clock.today()).toBe('2025-01-05');
    expect(clock.isExpired('2024-12-31')).toBe(true);
    expect(clock.isExpired('2025-01-10')).toBe(false);
  });

  it('answers from the remembered minute and moves on at the next one (local midnight is on a whole minute)', () => {
    let now = new Date('2025-12-31T15:59:00.000Z'); // 23:59:00 CST
    const clock = new LibraryClock('Asia/Shanghai', () => now);
    expect(clock.today()).toBe('2025-12-31');
    now = new Date('2025-12-31T15:59:59.999Z');
    expect(clock.today()).toBe('2025-12-31');
    now = new Date('2025-12-31T16:00:00.000Z'); // 00:00 CST Jan 1
    expect(clock.today()).toBe('2026-01-01');
    now = new Date('2025-12-31T15:59:30.000Z'); // a clock stepped back is answered afresh
    expect(clock.today()).toBe('2025-12-31');
  });

  it('rejects an unknown zone at construction', () => {
    expect(() => new LibraryClock('Mars/Olympus_Mons')).toThrow(RangeError);
  });
});
