import { Injectable, Logger } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { DomainError } from '@app/common';
import { ErrorCode, UpsertDeviceKeyDto } from '@app/contracts';
import { ApiKeyRole, ApiKeyViewDto, CreateApiKeyDto, CreatedApiKeyDto } from '../dto';
import { GatewayEnvDto } from '../config/gateway-env.dto';
import { ApiKeyEntity } from '../entities/api-key.entity';
import { ApiKeyRepository } from '../repositories/api-key.repository';

/** Who is calling: attached to the request by the guard, logged by name (never the key). */
export interface ApiKeyPrincipal {
  id: string;
  name: string;
  role: ApiKeyRole;
  /** device keys: the locker site they are bound to */
  locker?: string | null;
}

const KEY_PREFIX = 'kc_';
const DISPLAY_PREFIX_LENGTH = 8;
/** bound on cached lookups, so a flood of random keys cannot grow memory without limit */
const MAX_CACHE_ENTRIES = 10_000;

/** Keys are 256 random bits, so an unsalted SHA-256 is enough (nothing to brute-force, unlike a password). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateApiKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function displayPrefix(key: string): string {
  return key.slice(0, DISPLAY_PREFIX_LENGTH);
}

/** ops ⊇ staff; device keys (locker controllers) reach the device endpoints only, and only they do */
export function roleSatisfies(have: ApiKeyRole, need: ApiKeyRole): boolean {
  if (need === 'device' || have === 'device') return have === need;
  return have === 'ops' || need === 'staff';
}

function toView(k: ApiKeyEntity): ApiKeyViewDto {
  return {
    id: k.id,
    name: k.name,
    role: k.role as ApiKeyRole,
    locker: k.locker ?? null,
    prefix: k.prefix,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
  };
}

@Injectable()
export class ApiKeyService {
  private readonly logger = new Logger(ApiKeyService.name);
  /** hash → lookup in flight or done (hits and misses), so auth costs no DB round trip per request */
  private readonly cache = new Map<string, { expiresAt: number; result: Promise<ApiKeyPrincipal | null> }>();

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly env: GatewayEnvDto,
  ) {}

  async authenticate(key: string): Promise<ApiKeyPrincipal | null> {
    const hash = hashApiKey(key);
    const now = Date.now();
    const cached = this.cache.get(hash);
    if (cached && cached.expiresAt > now) return cached.result;
    if (cached) this.cache.delete(hash);

    const result = this.keys.touchActive(hash).then(
      (row) => (row ? { id: row.id, name: row.name, role: row.role as ApiKeyRole, locker: row.locker } : null),
      (err: Error) => {
        this.cache.delete(hash); // never cache a failure
        this.logger.error(`API key lookup failed: ${err.message}`, err.stack);
        throw new DomainError(
          ErrorCode.ServiceUnavailable,
          'cannot verify the API key right now (gateway database unavailable)',
        );
      },
    );
    if (this.env.API_KEY_CACHE_TTL_MS > 0) {
      if (this.cache.size >= MAX_CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(hash, { expiresAt: now + this.env.API_KEY_CACHE_TTL_MS, result });
    }
    return result;
  }

  async create(dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    if ((dto.role === 'device') !== !!dto.locker) {
      throw new DomainError(
        ErrorCode.ValidationFailed,
        'a device key names its locker (locker), and only a device key does',
        { fields: { locker: ['required for role device only'] } },
      );
    }
    const key = generateApiKey();
    const row = await this.keys.insert({
      name: dto.name,
      role: dto.role,
      locker: dto.locker ?? null,
      prefix: displayPrefix(key),
      keyHash: hashApiKey(key),
    });
    this.logger.log(`API key ${row.id} (${row.name}, ${row.role}) created`);
    return { ...toView(row), key };
  }

  /** A device key with a value chosen by the caller (vendor provisioning, demo seed); stored hashed. */
  async upsertDevice(dto: UpsertDeviceKeyDto): Promise<{ id: string }> {
    const id = await this.keys.upsertDevice(dto.name, dto.locker, hashApiKey(dto.key), displayPrefix(dto.key));
    this.cache.clear();
    this.logger.log(`device key ${id} (${dto.name}, locker ${dto.locker}) installed`);
    return { id };
  }

  async list(): Promise<ApiKeyViewDto[]> {
    return (await this.keys.list()).map(toView);
  }

  async revoke(id: string): Promise<ApiKeyViewDto> {
    const result = await this.keys.revoke(id);
    if (result === 'not-found') throw new DomainError(ErrorCode.NotFound, `API key ${id} not found`);
    if (result === 'last-ops')
      throw new DomainError(ErrorCode.Conflict, 'cannot revoke the last active ops key: create another ops key first');
    // effective at once on this replica; other replicas drop it within API_KEY_CACHE_TTL_MS
    this.cache.delete(result.keyHash);
    this.logger.log(`API key ${result.id} (${result.name}) revoked`);
    return toView(result);
  }
}
