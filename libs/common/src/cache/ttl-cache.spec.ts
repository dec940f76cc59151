import { TtlCache } from './ttl-cache';

describe('TtlCache', () => {
  let now = 1_000_000;
  beforeEach(() => {
    now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });
  afterEach(() => jest.restoreAllMocks());

  it('returns a value until its TTL has passed', () => {
    const cache = new TtlCache<string, number>(100);
    cache.set('a', 1);
    now += 99;
    expect(cache.get('a')).toBe(1);
    now += 1; // expiresAt > now is the rule: at exactly ttlMs the entry is stale
    expect(cache.get('a')).toBeUndefined();
  });

  it('misses on unknown keys and caches null as a value', () => {
    const cache = new TtlCache<string, string | null>(100);
    expect(cache.get('x')).toBeUndefined();
    cache.set('x', null);
    expect(cache.get('x')).toBeNull();
  });

  it('caches nothing when the TTL is zero or negative', () => {
    for (const ttl of [0, -1]) {
      const cache = new TtlCache<string, number>(ttl);
      cache.set('a', 1);
      expect(cache.get('a')).toBeUndefined();
      expect(cache.size).toBe(0);
    }
  });

  it('setting again restarts the TTL', () => {
    const cache = new TtlCache<string, number>(100);
    cache.set('a', 1);
    now += 60;
    cache.set('a', 2);
    now += 60;
    expect(cache.get('a')).toBe(2);
  });

  it('delete and clear drop entries', () => {
    const cache = new TtlCache<string, number>(100);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.delete('a');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBe(2);
    cache.clear();
    expect(cache.get('b')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('empties itself before a set that would go past maxKeys', () => {
    const cache = new TtlCache<string, number>(100, 2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.size).toBe(2);
    cache.set('c', 3);
    expect(cache.size).toBe(1);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('c')).toBe(3);
  });
});
