import { randomBytes } from 'node:crypto';
import {
  hashPickupCode,
  maskAddress,
  maskPhone,
  newPickupCode,
  sealCode,
  unsealCode,
  verifyPickupCode,
} from './pickup-code';

describe('pickup codes', () => {
  it('are random digits, hashed with a salt, verified only by the right code', async () => {
    const code = newPickupCode();
    expect(code).toMatch(/^\d{8}$/);
    const h1 = await hashPickupCode(code);
    const h2 = await hashPickupCode(code);
    expect(h1).not.toEqual(h2);
    expect(h1).not.toContain(code);
    expect(await verifyPickupCode(code, h1)).toBe(true);
    expect(await verifyPickupCode(code === '00000000' ? '11111111' : '00000000', h1)).toBe(false);
    expect(await verifyPickupCode(code, 'garbage')).toBe(false);
  });

  it('seal and unseal with the key; another key or a changed text fails', () => {
    const key = randomBytes(32);
    const sealed = sealCode('12345678', key);
    expect(sealed).not.toContain('12345678');
    expect(unsealCode(sealed, key)).toBe('12345678');
    expect(() => unsealCode(sealed, randomBytes(32))).toThrow();
    expect(() => unsealCode(sealed.slice(0, -2) + 'AA', key)).toThrow();
  });

  it('masks personal data', () => {
    expect(maskPhone('13800001234')).toBe('138****1234');
    expect(maskAddress('江苏省昆山市前进中路1号')).toBe('江苏省昆****');
    expect(maskPhone(null)).toBeNull();
  });
});
