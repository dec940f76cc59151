import { randomBytes, scryptSync } from 'node:crypto';

/**
 * One scrypt hash of the bench PIN in the patrons service's format (`scrypt$N$r$p$<salt>$<key>`,
 * apps/patrons PinHasher, same default parameters), computed once and stored on every bench patron:
 * hashing 500k PINs separately would take hours of CPU and prove nothing.
 */
export function benchPinHash(pin: string, N = 16384, r = 8, p = 1): string {
  const salt = randomBytes(16);
  const key = scryptSync(pin, salt, 32, { N, r, p, maxmem: 256 * N * r });
  return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}
