import { randomBytes, scrypt, scryptSync, ScryptOptions, timingSafeEqual } from 'node:crypto';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
  saltBytes: number;
  keyBytes: number;
}

/** Memory-hard (16 MiB per hash): a leaked table of 4-6 digit PINs or passwords stays expensive to brute-force. */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { N: 16384, r: 8, p: 1, saltBytes: 16, keyBytes: 32 };

// Bounds for params read back from the database, so a corrupt row cannot make us allocate gigabytes.
const MAX_N = 1 << 20;
const MAX_R = 32;
const MAX_P = 16;

function scryptAsync(secret: string, salt: Buffer, keyBytes: number, opts: ScryptOptions): Promise<Buffer> {
  // the async variant runs on the libuv pool: ~40 ms of CPU per call must not stall the event loop
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, keyBytes, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

const scryptOptions = (N: number, r: number, p: number): ScryptOptions => ({ N, r, p, maxmem: 256 * N * r });

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

const format = (N: number, r: number, p: number, salt: Buffer, key: Buffer): string =>
  ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');

function parse(stored: string): ParsedHash | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map((x) => (/^\d+$/.test(x) ? Number(x) : NaN));
  if (!(N > 1 && N <= MAX_N && (N & (N - 1)) === 0)) return null;
  if (!(r >= 1 && r <= MAX_R && p >= 1 && p <= MAX_P)) return null;
  const salt = Buffer.from(parts[4], 'base64');
  const key = Buffer.from(parts[5], 'base64');
  if (salt.length < 8 || key.length < 16) return null;
  return { N, r, p, salt, key };
}

/**
 * The one secret-hash format of the suite (patron PINs, SIP2 terminal passwords, the bench's patrons):
 * scrypt, carrying its own parameters (`scrypt$16384$8$1$<salt b64>$<key b64>`) so they can be raised
 * later without breaking old hashes.
 */
export class SecretHasher {
  constructor(private readonly params: ScryptParams = DEFAULT_SCRYPT_PARAMS) {}

  async hash(secret: string): Promise<string> {
    const { N, r, p, saltBytes, keyBytes } = this.params;
    const salt = randomBytes(saltBytes);
    return format(N, r, p, salt, await scryptAsync(secret, salt, keyBytes, scryptOptions(N, r, p)));
  }

  /** Blocking variant, for tools that hash once before any traffic (the bench's data generator). */
  hashSync(secret: string): string {
    const { N, r, p, saltBytes, keyBytes } = this.params;
    const salt = randomBytes(saltBytes);
    return format(N, r, p, salt, scryptSync(secret, salt, keyBytes, scryptOptions(N, r, p)));
  }

  /** Constant-time comparison; a malformed stored hash verifies nothing (and is not an exception). */
  async verify(secret: string, stored: string): Promise<boolean> {
    const h = parse(stored);
    if (!h) return false;
    const key = await scryptAsync(secret, h.salt, h.key.length, scryptOptions(h.N, h.r, h.p));
    return timingSafeEqual(key, h.key);
  }

  /** True when the hash was made with weaker parameters than the current ones. */
  needsRehash(stored: string): boolean {
    const h = parse(stored);
    return (
      !h || h.N < this.params.N || h.r < this.params.r || h.p < this.params.p || h.key.length < this.params.keyBytes
    );
  }
}
