import { Type } from 'class-transformer';
import { IsInt, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { BaseEnvDto } from '@app/common';
import { ISIL_PATTERN } from '@app/contracts';

export class StatisticsEnvDto extends BaseEnvDto {
  /**
   * Key of the patron pseudonym (HMAC-SHA256 of agency + card). Random data, kept secret and kept
   * stable: a new key starts new pseudonyms, so distinct-reader counts across the change double up.
   */
  @IsString()
  @MinLength(16, {
    message: 'STATS_PATRON_HASH_KEY must be at least 16 characters of random data (e.g. openssl rand -base64 32)',
  })
  @MaxLength(200)
  STATS_PATRON_HASH_KEY: string;

  /**
   * Our own agency (as federation's LIBRARY_ISIL): a loan of another agency's item, to another agency's
   * reader, or to a partner library's ILL patron is also counted as a partner loan.
   */
  @IsOptional()
  @Matches(ISIL_PATTERN)
  LIBRARY_ISIL = 'CN-320583-1-KSL';

  /** Residents of the county served (县域人口), for loans per resident. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  STATS_POPULATION = 2_100_000;

  /** Evaluation targets (评估定级), shown beside the indicators; unset: no target. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  STATS_TARGET_ANNUAL_LOANS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  STATS_TARGET_BORROWING_VISITS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  STATS_TARGET_OUTREACH_LOANS?: number;

  @IsOptional()
  @Type(() => Number)
  @IsNumber()
  @Min(0)
  @Max(1000)
  STATS_TARGET_LOANS_PER_RESIDENT?: number;
}
