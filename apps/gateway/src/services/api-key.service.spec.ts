import { GatewayEnvDto } from '../config/gateway-env.dto';
import { ApiKeyRepository } from '../repositories/api-key.repository';
import { ApiKeyService, generateApiKey, hashApiKey, roleSatisfies } from './api-key.service';

describe('ApiKeyService', () => {
  const env = { API_KEY_CACHE_TTL_MS: 60_000 } as GatewayEnvDto;

  it('generates high-entropy keys and hashes them with SHA-256', () => {
    const key = generateApiKey();
    expect(key).toMatch(/^kc_[A-Za-z0-9_-]{43}$/);
    expect(generateApiKey()).not.toBe(key);
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('treats ops as a superset of staff', () => {
    expect(roleSatisfies('ops', 'ops')).toBe(true);
    expect(roleSatisfies('ops', 'staff')).toBe(true);
    expect(roleSatisfies('staff', 'staff')).toBe(true);
    expect(roleSatisfies('staff', 'ops')).toBe(false);
  });

  it('keeps device keys (locker controllers) to the device endpoints, and only them', () => {
    expect(roleSatisfies('device', 'device')).toBe(true);
    expect(roleSatisfies('device', 'staff')).toBe(false);
    expect(roleSatisfies('device', 'ops')).toBe(false);
    expect(roleSatisfies('ops', 'device')).toBe(false);
    expect(roleSatisfies('staff', 'device')).toBe(false);
  });

  it('caches hits and misses, so repeated requests cost one lookup', async () => {
    const touchActive = jest.fn(async (hash: string) =>
      hash === hashApiKey('good') ? { id: '1', name: 'desk', role: 'staff' } : null,
    );
    const service = new ApiKeyService({ touchActive } as unknown as ApiKeyRepository, env);
    const results = await Promise.all([
      service.authenticate('good'),
      service.authenticate('good'),
      service.authenticate('good'),
    ]);
    expect(results).toEqual([
      { id: '1', name: 'desk', role: 'staff' },
      { id: '1', name: 'desk', role: 'staff' },
      { id: '1', name: 'desk', role: 'staff' },
    ]);
    expect(await service.authenticate('bad')).toBeNull();
    expect(await service.authenticate('bad')).toBeNull();
    expect(touchActive).toHaveBeenCalledTimes(2);
  });

  it('does not cache a failed lookup and answers it as SERVICE_UNAVAILABLE', async () => {
    const touchActive = jest
      .fn()
      .mockRejectedValueOnce(new Error('connection refused'))
      .mockResolvedValueOnce({ id: '1', name: 'desk', role: 'ops' });
    const service = new ApiKeyService({ touchActive } as unknown as ApiKeyRepository, env);
    (service as unknown as { logger: { error: () => void } }).logger.error = () => undefined;
    await expect(service.authenticate('k')).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    await expect(service.authenticate('k')).resolves.toMatchObject({ role: 'ops' });
  });
});
