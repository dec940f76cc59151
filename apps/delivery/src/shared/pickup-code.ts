import { SecretHasher } from '@app/common';
import { createCipheriv, createDecipheriv, randomBytes, randomInt } from 'node:crypto';

/*
 * Pickup codes: random digits (crypto.randomInt), single-use, stored only as a salted scrypt hash in the
 * suite's one secret-hash format (`SecretHasher`, `scrypt$N$r$p$<salt b64>$<key b64>`), like patron PINs. The plain code
 * leaves the service only sealed (AES-256-GCM) inside the parcel-ready event, for the reader's notice.
 */
export const PICKUP_CODE_DIGITS = 8;

export function newPickupCode(digits = PICKUP_CODE_DIGITS): string {
  let s = '';
  for (let i = 0; i < digits; i++) s += String(randomInt(10));
  return s;
}

/** the suite's one secret-hash format (libs/common/src/secrets), as for PINs */
const hasher = new SecretHasher();

export function hashPickupCode(code: string): Promise<string> {
  return hasher.hash(code);
}

/** Constant-time; a malformed stored hash verifies nothing. */
export function verifyPickupCode(code: string, stored: string): Promise<boolean> {
  return hasher.verify(code, stored);
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
