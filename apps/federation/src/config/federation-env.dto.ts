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
}
