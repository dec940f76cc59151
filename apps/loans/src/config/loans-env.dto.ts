import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsTimeZone, Max, Min } from 'class-validator';
import { BaseEnvDto } from '@app/common';

export class LoansEnvDto extends BaseEnvDto {
  /** Due dates are computed in this zone, so a typo must stop the service at boot, not at checkout. */
  @IsOptional()
  @IsTimeZone()
  override LIBRARY_TIMEZONE = 'Asia/Shanghai';

  /** How long a resolved loan rule is reused before it is read again (rules change rarely). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  LOAN_RULES_CACHE_TTL_MS = 30_000;

  /** Days a trapped hold waits on the hold shelf (deadline: end of the local day, N days after it is ready). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(60)
  HOLD_SHELF_DAYS = 7;

  /** How often the hold expiry job runs in each replica (it is safe to run in all); 0 turns it off. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  HOLD_EXPIRY_INTERVAL_MS = 60_000;
}
