import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

interface Entry {
  mac: Buffer;
  expiresAt: number;
}

/**
 * Why: SIP2 kiosks send the PIN with nearly every message (patron status, checkout, renew …) and each
 * scrypt check costs ~40 ms of CPU, so a busy self-check floor would spend its time re-hashing the same
 * PIN. After one successful scrypt check we remember, for a short TTL, an HMAC of (PIN + current PIN
 * hash) under a pepper that exists only in this process's memory:
 * - no PIN or reusable hash is kept; the pepper is never persisted, so entries mean nothing elsewhere;
 * - the current PIN hash is part of the MAC, so a PIN changed through another replica invalidates this
 *   cache by itself (the new hash no longer matches); a local change also deletes the entry;
 * - comparison is constant-time; only correct PINs are ever stored, so a miss just falls back to scrypt
 *   (wrong PINs always take the throttled scrypt path).
 */
export class VerifiedPinCache {
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

  /** True only if this exact PIN was verified against this exact PIN hash within the TTL. */
  matches(patronId: string, pin: string, pinHash: string): boolean {
    const entry = this.entries.get(patronId);
    if (!entry) return false;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(patronId);
      return false;
    }
    return timingSafeEqual(entry.mac, this.mac(pin, pinHash));
  }

  remember(patronId: string, pin: string, pinHash: string): void {
    if (!this.enabled) return;
    this.entries.delete(patronId); // re-insert at the end: Map order is our eviction order
    if (this.entries.size >= this.maxEntries) this.evict();
    this.entries.set(patronId, { mac: this.mac(pin, pinHash), expiresAt: this.now() + this.ttlMs });
  }

  invalidate(patronId: string): void {
    this.entries.delete(patronId);
  }

  private mac(pin: string, pinHash: string): Buffer {
    // NUL separates the two parts unambiguously (neither a PIN hash nor a validated PIN contains one
    // that could shift the boundary into a different valid pair)
    return createHmac('sha256', this.pepper).update(pinHash).update('\0').update(pin).digest();
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
