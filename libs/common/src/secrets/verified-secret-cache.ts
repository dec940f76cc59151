import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

interface Entry {
  mac: Buffer;
  expiresAt: number;
}

/**
 * Why: SIP2 kiosks send the PIN with nearly every message (patron status, checkout, renew …), and
 * clients that connect + log in for every transaction (NYPL circulation #1147) send the terminal
 * password as often; each scrypt check costs ~40 ms of CPU. After one successful scrypt check we
 * remember, for a short TTL, an HMAC of (secret + current hash) under a pepper that exists only in this
 * process's memory (patron PINs keyed by patron id, terminal passwords by login):
 * - no PIN or reusable hash is kept; the pepper is never persisted, so entries mean nothing elsewhere;
 * - the current PIN hash is part of the MAC, so a PIN changed through another replica invalidates this
 *   cache by itself (the new hash no longer matches); a local change also deletes the entry;
 * - comparison is constant-time; only correct PINs are ever stored, so a miss just falls back to scrypt
 *   (wrong PINs always take the throttled scrypt path).
 */
export class VerifiedSecretCache {
  private readonly pepper = randomBytes(32);
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** True only if this exact secret was verified against this exact hash within the TTL. */
  matches(id: string, secret: string, hash: string): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(id);
      return false;
    }
    return timingSafeEqual(entry.mac, this.mac(secret, hash));
  }

  remember(id: string, secret: string, hash: string): void {
    if (!this.enabled) return;
    this.entries.delete(id); // re-insert at the end: Map order is our eviction order
    if (this.entries.size >= this.maxEntries) this.evict();
    this.entries.set(id, { mac: this.mac(secret, hash), expiresAt: this.now() + this.ttlMs });
  }

  invalidate(id: string): void {
    this.entries.delete(id);
  }

  private mac(secret: string, hash: string): Buffer {
    // NUL separates the two parts unambiguously (a stored hash never contains one, so no other
    // (hash, secret) pair can produce the same bytes)
    return createHmac('sha256', this.pepper).update(hash).update('\0').update(secret).digest();
  }

  /** Drop expired entries, then the oldest ones, to stay under the size bound. */
  private evict(): void {
    const now = this.now();
    for (const [id, e] of this.entries) if (e.expiresAt <= now) this.entries.delete(id);
    for (const id of this.entries.keys()) {
      if (this.entries.size < this.maxEntries) break;
      this.entries.delete(id);
    }
  }
}
