import {
  createCipheriv,
  createDecipheriv,
  randomBytes,
  randomInt,
  scrypt,
  ScryptOptions,
  timingSafeEqual,
} from 'node:crypto';

/*
 * Pickup codes: random digits (crypto.randomInt), single-use, stored only as a salted scrypt hash in the
 * same self-describing format as patron PINs (`scrypt$N$r$p$<salt b64>$<key b64>`). The plain code
 * leaves the service only sealed (AES-256-GCM) inside the parcel-ready event, for the reader's notice.
 */
export const PICKUP_CODE_DIGITS = 8;
const PARAMS = { N: 16384, r: 8, p: 1, saltBytes: 16, keyBytes: 32 };

export function newPickupCode(digits = PICKUP_CODE_DIGITS): string {
  let s = '';
  for (let i = 0; i < digits; i++) s += String(randomInt(10));
  return s;
}

function scryptAsync(code: string, salt: Buffer, keyBytes: number, opts: ScryptOptions): Promise<Buffer> {
  // libuv pool: tens of ms of CPU must not block the event loop
  return new Promise((resolve, reject) =>
    scrypt(code, salt, keyBytes, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPickupCode(code: string): Promise<string> {
  const { N, r, p, saltBytes, keyBytes } = PARAMS;
  const salt = randomBytes(saltBytes);
  const key = await scryptAsync(code, salt, keyBytes, { N, r, p, maxmem: 256 * N * r });
  return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Constant-time; a malformed stored hash verifies nothing. */
export async function verifyPickupCode(code: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (!(N > 1 && N <= 1 << 20 && r >= 1 && r <= 32 && p >= 1 && p <= 16)) return false;
  const salt = Buffer.from(parts[4], 'base64');
  const key = Buffer.from(parts[5], 'base64');
  if (salt.length < 8 || key.length < 16) return false;
  const got = await scryptAsync(code, salt, key.length, { N, r, p, maxmem: 256 * N * r });
  return timingSafeEqual(got, key);
}

/** `v1.<iv>.<tag>.<ciphertext>` (base64url), AES-256-GCM with the service's seal key. */
export function sealCode(code: string, key: Buffer): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([c.update(code, 'utf8'), c.final()]);
  return ['v1', iv.toString('base64url'), c.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
}

export function unsealCode(sealed: string, key: Buffer): string {
  const [v, iv, tag, ct] = sealed.split('.');
  if (v !== 'v1' || !iv || !tag || !ct) throw new Error('not a sealed pickup code');
  const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  d.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
}

/** 江苏省昆山市**** / 138****0000: what lists and timelines show of personal data. */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return null;
  const digits = phone.replace(/\D/g, '');
  return digits.length <= 4 ? '****' : `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

export function maskAddress(address: string | null): string | null {
  if (!address) return null;
  const keep = Math.min(6, Math.floor(address.length / 3));
  return address.slice(0, keep) + '****';
}
