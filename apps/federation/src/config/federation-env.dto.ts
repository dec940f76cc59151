import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { BaseEnvDto } from '@app/common';
import { ISIL_PATTERN } from '@app/contracts';

export class FederationEnvDto extends BaseEnvDto {
  /** Our own agency: the AgencyId we answer NCIP as, and the owner of our items and patrons. */
  @IsOptional()
  @Matches(ISIL_PATTERN)
  LIBRARY_ISIL = 'CN-320583-1-KSL';

  /** Largest NCIP message accepted (bytes). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(4 * 1024 * 1024)
  NCIP_MAX_BYTES = 256 * 1024;

  /** Branch where NCIP circulation for partners is recorded when the partner has none in our catalog. */
  @IsOptional()
  @Matches(/^[A-Z0-9][A-Z0-9_-]{0,31}$/)
  NCIP_DEFAULT_BRANCH = 'KSL-MAIN';

  /** How long a partner key lookup is cached (a revocation takes effect within this). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(600000)
  NCIP_KEY_CACHE_TTL_MS = 10000;

  /** Days NCIP replay records (answers of writes, by partner request) are kept. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  NCIP_REPLAY_DAYS = 30;

  /**
   * Failed outgoing exchanges (a partner that did not answer after the in-call retries) are sent again
   * automatically: first after NCIP_RETRY_BASE_MS, then twice as long each time, at most
   * NCIP_RETRY_MAX_DELAY_MS apart, NCIP_RETRY_MAX_ATTEMPTS times; then they wait for a person.
   */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  NCIP_RETRY_BASE_MS = 30_000;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(7 * 86_400_000)
  NCIP_RETRY_MAX_DELAY_MS = 3_600_000;

  /** 0: no automatic retries (every failed exchange waits for a person at once) */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100)
  NCIP_RETRY_MAX_ATTEMPTS = 6;

  /** How often due retries are looked for (0: never by itself; tests drive it). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  NCIP_RETRY_INTERVAL_MS = 10_000;

  /** Days the exchange log (and resolved failed exchanges) are kept; older rows are purged hourly. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  NCIP_EXCHANGE_RETENTION_DAYS = 90;
}
