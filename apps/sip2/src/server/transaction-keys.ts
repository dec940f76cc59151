import { createHash, randomBytes } from 'node:crypto';
import { IDEMPOTENCY_KEY_PATTERN } from '@app/contracts';

interface Touch {
  /** the key the last write on this thing was sent with, before any renaming here */
  last: string;
  /** each key recently used on this thing → the key it was sent to the loans service as */
  sent: Map<string, string>;
  at: number;
}

/**
 * Tells a kiosk's retransmission from a new transaction that happens to build the same key
 * (docs/sip2.md §4.1). A SIP2 key is terminal + message + the kiosk's transaction date (one-second
 * resolution) + ids, so "check the copy out, in, and out again within one second" sends the second
 * checkout under the first one's key, and the loans service would answer it with the stored first
 * reply: a "yes" for a loan that was never made.
 *
 * A retransmission follows its original with nothing else done to the same thing (the copy, or the
 * patron's account for holds and fees) by that terminal in between: the reader is still waiting for the
 * answer. So a key seen again right after itself is sent unchanged (the loans service answers the stored
 * outcome), and a key seen again after another write on the same thing is a new transaction: it is sent
 * with a random suffix, remembered, so its own retransmission gets the same suffixed key.
 *
 * The memory is per process and short: after a restart, or on another replica, a repeated key is taken
 * for a retransmission, which is what a kiosk reconnecting after a failure needs. A new transaction
 * can only collide with an old key within the same second of its kiosk clock, on the same connection
 * in practice, which is where this memory is.
 */
export class TransactionKeyLedger {
  private readonly touches = new Map<string, Touch>();

  constructor(
    private readonly maxEntries = 20_000,
    private readonly ttlMs = 10 * 60_000,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The key to send for `key`, a write by `terminal` on `thing` (an item or a patron's account). */
  keyFor(terminal: string, thing: string, key: string): string {
    const id = `${terminal}\u0000${thing}`;
    const now = this.clock();
    let touch = this.touches.get(id);
    if (touch && now - touch.at > this.ttlMs) touch = undefined;
    else if (touch) this.touches.delete(id); // re-inserted below: the Map's order is least recently used first
    touch ??= { last: '', sent: new Map(), at: now };

    let sent = touch.sent.get(key);
    if (sent === undefined) sent = key;
    else if (touch.last !== key) sent = renamed(key);
    touch.sent.set(key, sent);
    touch.last = key;
    touch.at = now;
    this.touches.set(id, touch);
    this.evict();
    return sent;
  }

  get size(): number {
    return this.touches.size;
  }

  private evict(): void {
    for (const id of this.touches.keys()) {
      if (this.touches.size <= this.maxEntries) return;
      this.touches.delete(id);
    }
  }
}

/** A key for a new transaction that reuses an old one's key. */
function renamed(key: string): string {
  const next = `${key}#${randomBytes(6).toString('base64url')}`;
  return IDEMPOTENCY_KEY_PATTERN.test(next) ? next : `sip2:h:${createHash('sha256').update(next).digest('hex')}`;
}
