import { createHmac, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;
const N = 16384;
const R = 8;
const P = 1;
const KEY_LEN = 32;

/** scrypt runs on libuv's thread pool, so verifying a terminal password never blocks other connections. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, KEY_LEN, { N, r: R, p: P, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

let dummy: Promise<string> | undefined;

/** A hash of a random password with the current parameters, verified when a login is unknown. */
export function dummyPasswordHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(18).toString('base64'));
  return dummy;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * Remembers that (login, password) verified recently, keyed by an HMAC with a per-process random key:
 * clients that connect + log in for every transaction (NYPL circulation #1147) skip the scrypt cost.
 * Cleared whenever the account changes.
 */
export class VerifiedPasswordCache {
  private readonly key = randomBytes(32);
  private readonly entries = new Map<string, { digest: string; hash: string; until: number }>();

  constructor(private readonly ttlMs: number) {}

  private digest(password: string): string {
    return createHmac('sha256', this.key).update(password).digest('base64');
  }

  has(login: string, password: string, storedHash: string): boolean {
    const e = this.entries.get(login);
    if (!e || e.until < Date.now() || e.hash !== storedHash) return false;
    return timingSafeEqual(Buffer.from(e.digest), Buffer.from(this.digest(password)));
  }

  add(login: string, password: string, storedHash: string): void {
    if (this.ttlMs <= 0) return;
    this.entries.set(login, { digest: this.digest(password), hash: storedHash, until: Date.now() + this.ttlMs });
  }

  forget(login: string): void {
    this.entries.delete(login);
  }
}
