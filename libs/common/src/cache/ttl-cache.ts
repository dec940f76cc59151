/**
 * An in-memory map whose entries expire `ttlMs` after they were set: the read-through cache of rows that
 * rarely change (loan rules, SIP2 terminal accounts). `ttlMs <= 0` caches nothing. With `maxKeys`, a `set`
 * on a full cache empties it first: a crude bound for key sets that could grow without limit, not an LRU.
 * Values may be `null` (a cached "not found") but never `undefined`, which is what `get` returns on a miss.
 */
// `{}` here means "anything but undefined": undefined is how a miss is told apart from a cached null
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export class TtlCache<K, V extends {} | null> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxKeys = Infinity,
  ) {}

  /** The value while it is fresh, else undefined. */
  get(key: K): V | undefined {
    const hit = this.entries.get(key);
    return hit && hit.expiresAt > Date.now() ? hit.value : undefined;
  }

  set(key: K, value: V): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= this.maxKeys) this.entries.clear();
    this.entries.set(key, { value, expiresAt: Date.now() + this.ttlMs });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  /** Entries held, expired ones included (they are dropped on overwrite, delete or clear). */
  get size(): number {
    return this.entries.size;
  }
}
