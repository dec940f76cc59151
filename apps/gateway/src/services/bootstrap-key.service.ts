import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { GatewayEnvDto } from '../config/gateway-env.dto';
import { ApiKeyRepository, BOOTSTRAP_KEY_NAME } from '../repositories/api-key.repository';
import { displayPrefix, generateApiKey, hashApiKey } from './api-key.service';

/**
 * Makes sure somebody can call the API after the first start: either the key from BOOTSTRAP_API_KEY
 * (upserted as `ops`), or — when there are no keys at all — a generated `ops` key printed once.
 */
@Injectable()
export class BootstrapKeyService implements OnApplicationBootstrap {
  private readonly logger = new Logger(BootstrapKeyService.name);

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly env: GatewayEnvDto,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const configured = this.env.BOOTSTRAP_API_KEY;
    if (configured) {
      const { revoked } = await this.keys.upsertBootstrap(hashApiKey(configured), displayPrefix(configured));
      if (revoked)
        this.logger.warn('BOOTSTRAP_API_KEY is set but that key was revoked; set a new value to re-enable it');
      return;
    }
    const key = generateApiKey();
    const created = await this.keys.insertIfNoKeys({
      name: BOOTSTRAP_KEY_NAME,
      role: 'ops',
      prefix: displayPrefix(key),
      keyHash: hashApiKey(key),
    });
    if (created) {
      // plain stdout on purpose (not the JSON log, which may be shipped elsewhere); only the hash is kept
      process.stdout.write(
        `\nBOOTSTRAP API KEY (shown once): ${key}\n  role ops; create named keys with POST /api/api-keys, then revoke this one.\n\n`,
      );
    }
  }
}
