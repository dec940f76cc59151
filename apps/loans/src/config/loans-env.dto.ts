import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsTimeZone, Matches, Max, Min, ValidateIf } from 'class-validator';
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

  /** How many days back an offline (no-block) transaction or a back-dated return may be dated (SIP2 98 announces it). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(365)
  OFFLINE_MAX_DAYS_BACK = 7;

  /** Idempotency keys (and their stored replies) older than this are deleted; 0 keeps them. Keep it above OFFLINE_MAX_DAYS_BACK. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3650)
  IDEMPOTENCY_RETENTION_DAYS = 8;

  /** Per-agency exceptions to OFFLINE_MAX_DAYS_BACK: `CN-320583-1-KSL=7,CN-320585-1-TCL=3`. */
  @IsOptional()
  @Matches(/^([A-Za-z0-9:/-]+=\d{1,3})(,[A-Za-z0-9:/-]+=\d{1,3})*$/, {
    message: 'OFFLINE_MAX_DAYS_BACK_BY_AGENCY must look like ISIL=days,ISIL=days',
  })
  OFFLINE_MAX_DAYS_BACK_BY_AGENCY?: string;

  /**
   * TEST ONLY (the crash-after-commit e2e test): `agency/barcode` of an item whose checkout makes this
   * process SIGKILL itself right after its COMMIT, before it answers. Refused at boot when NODE_ENV is
   * production (the Docker image sets it), so a production configuration can never carry it.
   */
  @IsOptional()
  @ValidateIf(() => process.env.NODE_ENV === 'production')
  @Matches(/^$/, { message: 'LOANS_TEST_EXIT_AFTER_COMMIT is a test hook and cannot be set when NODE_ENV=production' })
  LOANS_TEST_EXIT_AFTER_COMMIT?: string;
}
