import { ApiProperty, ApiPropertyOptional } from '@app/contracts/common/api-doc';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { IllActions } from '@app/contracts';

/*
 * HTTP shapes of the federation endpoints: the id travels in the path and the actor comes from the
 * API key, so the gateway builds the federation contract DTO from these.
 */

/** HTTP body of POST /api/federation/requests/:id/act (the id comes from the path, the actor from the API key). */
export class ActOnIllRequestBodyDto {
  @ApiProperty({ enum: IllActions })
  @IsIn(IllActions)
  action: (typeof IllActions)[number];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

/** HTTP body of POST /api/federation/failed/:id/resolve */
export class ResolveFailedExchangeBodyDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}
