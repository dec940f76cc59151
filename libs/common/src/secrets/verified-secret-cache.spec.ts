import { VerifiedSecretCache } from './verified-secret-cache';

describe('VerifiedSecretCache', () => {
  let now = 0;
  const clock = () => now;
  const HASH = 'scrypt$16384$8$1$c2FsdA==$a2V5';

  beforeEach(() => {
    now = 1_000_000;
  });

  it('matches only the remembered PIN for the remembered hash', () => {
    const cache = new VerifiedSecretCache(600_000, 100, clock);
    cache.remember('p1', '1234', HASH);
    expect(cache.matches('p1', '1234', HASH)).toBe(true);
    expect(cache.matches('p1', '1235', HASH)).toBe(false);
    expect(cache.matches('p2', '1234', HASH)).toBe(false);
  });

  it('misses once the PIN hash changed (PIN changed on another replica)', () => {
    const cache = new VerifiedSecretCache(600_000, 100, clock);
    cache.remember('p1', '1234', HASH);
    expect(cache.matches('p1', '1234', `${HASH}x`)).toBe(false);
  });

  it('expires entries after the TTL', () => {
    const cache = new VerifiedSecretCache(600_000, 100, clock);
    cache.remember('p1', '1234', HASH);
    now += 599_999;
    expect(cache.matches('p1', '1234', HASH)).toBe(true);
    now += 1;
    expect(cache.matches('p1', '1234', HASH)).toBe(false);
    expect(cache.size).toBe(0);
  });

  it('forgets a patron on invalidate', () => {
    const cache = new VerifiedSecretCache(600_000, 100, clock);
    cache.remember('p1', '1234', HASH);
    cache.invalidate('p1');
    expect(cache.matches('p1', '1234', HASH)).toBe(false);
  });

  it('keeps no PIN or PIN hash in memory, only a MAC under a per-process pepper', () => {
    const a = new VerifiedSecretCache(600_000, 100, clock);
    const b = new VerifiedSecretCache(600_000, 100, clock);
    a.remember('p1', '1234', HASH);
    b.remember('p1', '1234', HASH);
    const entryA = (a as unknown as { entries: Map<string, { mac: Buffer }> }).entries.get('p1')!;
    const entryB = (b as unknown as { entries: Map<string, { mac: Buffer }> }).entries.get('p1')!;
    expect(entryA.mac).toHaveLength(32);
    expect(entryA.mac.equals(entryB.mac)).toBe(false);
    expect(JSON.stringify(entryA)).not.toContain('1234');
  });

  it('stays within its size bound, evicting the oldest entries', () => {
    const cache = new VerifiedSecretCache(600_000, 3, clock);
    for (const id of ['a', 'b', 'c', 'd']) cache.remember(id, '1234', HASH);
    expect(cache.size).toBe(3);
    expect(cache.matches('a', '1234', HASH)).toBe(false);
    expect(cache.matches('d', '1234', HASH)).toBe(true);
  });

  it('remembers nothing when the TTL is 0', () => {
    const cache = new VerifiedSecretCache(0, 100, clock);
    cache.remember('p1', '1234', HASH);
    expect(cache.matches('p1', '1234', HASH)).toBe(false);
  });
});
