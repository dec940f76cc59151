import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { BaseEnvDto } from '@app/common';

export class GatewayEnvDto extends BaseEnvDto {
  /** HTTP port; 0 picks a free one (tests). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  /** HTTP listen address (the launcher's embedded default passes 127.0.0.1). */
  @IsOptional()
  @IsString()
  HTTP_HOST = '0.0.0.0';

  /**
   * When set, an `ops` key named `bootstrap` with this value is upserted at boot. Keys are stored as an
   * unsalted SHA-256, so this must be high-entropy (e.g. `openssl rand -base64 32`), never a password.
   */
  @IsOptional()
  @IsString()
  @MinLength(12, {
    message: 'BOOTSTRAP_API_KEY must be at least 12 characters (use random data, e.g. openssl rand -base64 32)',
  })
  @MaxLength(200)
  BOOTSTRAP_API_KEY?: string;

  /** How long a key lookup (hit or miss) is cached in memory; also how long a revocation may take to reach other replicas. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(300000)
  API_KEY_CACHE_TTL_MS = 10000;

  /** Per-service timeout of `GET /health`, short so a dead service cannot stall load-balancer probes. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(30000)
  HEALTH_TIMEOUT_MS = 1500;

  /** Largest JSON body accepted. */
  @IsOptional()
  @IsString()
  BODY_LIMIT = '1mb';

  /**
   * HMAC secret of reader tokens (O2O app, JWT HS256), at least 32 characters. Unset: a random secret per
   * process (tokens then work only on the replica that issued them; set it when running several).
   */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'READER_TOKEN_SECRET must be at least 32 characters of random data' })
  @MaxLength(500)
  READER_TOKEN_SECRET?: string;

  /** Lifetime of a reader token. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(86400)
  READER_TOKEN_TTL_SECONDS = 900;
  /** Largest NCIP message accepted at POST /ncip (larger ones get an NCIP Problem and 413). */
  @IsOptional()
  @IsString()
  NCIP_BODY_LIMIT = '256kb';

  /** Bearer token Prometheus sends for `GET /metrics`; unset: /metrics answers loopback callers only. */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters of random data' })
  @MaxLength(200)
  METRICS_TOKEN?: string;
}
