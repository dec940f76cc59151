import { scryptSync } from 'node:crypto';
import { SecretHasher } from './secret-hasher';

describe('SecretHasher', () => {
  const hasher = new SecretHasher();

  it('stores scrypt parameters, a 16-byte salt and a 32-byte key with the hash', async () => {
    const stored = await hasher.hash('1234');
    const [alg, N, r, p, salt, key] = stored.split('$');
    expect([alg, N, r, p]).toEqual(['scrypt', '16384', '8', '1']);
    expect(Buffer.from(salt, 'base64')).toHaveLength(16);
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    // independently recomputable with the documented parameters
    expect(scryptSync('1234', Buffer.from(salt, 'base64'), 32, { N: 16384, r: 8, p: 1 }).toString('base64')).toBe(key);
  });

  it('salts every hash: the same PIN hashes differently', async () => {
    const [a, b] = await Promise.all([hasher.hash('1234'), hasher.hash('1234')]);
    expect(a).not.toBe(b);
  });

  it('verifies the right PIN and rejects wrong ones', async () => {
    const stored = await hasher.hash('2468');
    await expect(hasher.verify('2468', stored)).resolves.toBe(true);
    await expect(hasher.verify('2469', stored)).resolves.toBe(false);
    await expect(hasher.verify('', stored)).resolves.toBe(false);
    await expect(hasher.verify('24680', stored)).resolves.toBe(false);
  });

  it('handles non-ASCII PINs', async () => {
    const stored = await hasher.hash('密码1234');
    await expect(hasher.verify('密码1234', stored)).resolves.toBe(true);
    await expect(hasher.verify('密碼1234', stored)).resolves.toBe(false);
  });

  it('verifies hashes made with other (stored) parameters', async () => {
    const weak = new SecretHasher({ N: 1024, r: 8, p: 1, saltBytes: 16, keyBytes: 32 });
    const stored = await weak.hash('1234');
    expect(stored.startsWith('scrypt$1024$8$1$')).toBe(true);
    await expect(hasher.verify('1234', stored)).resolves.toBe(true);
    expect(hasher.needsRehash(stored)).toBe(true);
    expect(hasher.needsRehash(await hasher.hash('1234'))).toBe(false);
  });

  it('treats malformed or hostile stored values as non-matching instead of throwing', async () => {
    const good = await hasher.hash('1234');
    const [, , , , salt, key] = good.split('$');
    for (const bad of [
      '',
      'plaintext',
      `bcrypt$16384$8$1$${salt}$${key}`,
      `scrypt$16383$8$1$${salt}$${key}`, // N not a power of two
      `scrypt$${2 ** 24}$8$1$${salt}$${key}`, // would allocate gigabytes
      `scrypt$16384$8$1$$${key}`, // empty salt
      `scrypt$16384$8$1$${salt}$`, // empty key
    ]) {
      await expect(hasher.verify('1234', bad)).resolves.toBe(false);
    }
  });

  it('does not block the event loop while hashing', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await Promise.all([hasher.hash('1'), hasher.hash('2'), hasher.hash('3'), hasher.hash('4')]);
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
  });
});
