import { ApiProperty, ApiPropertyOptional, OmitType, PartialType, PickType } from '@app/contracts/common/api-doc';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import {
  BRANCH_CODE_PATTERN,
  CreateRecordDto,
  ISIL_PATTERN,
  LoanListStatuses,
  LongPageQueryDto,
  PatronBlockKind,
  PatronBlockKinds,
  PatronRefDto,
  ResolveCirculationExceptionDto,
  UpdateItemDto,
  UpdatePatronDto,
  UpsertAgencyDto,
  UpsertBranchDto,
} from '@app/contracts';
import type { ServiceHealth } from '@app/contracts';

/*
 * HTTP shapes of the gateway. Resource identity travels in the path (`/items/:agency/:barcode`), so
 * the bodies are the NATS contract DTOs without their identity fields; the gateway puts them back.
 */

export class IsilParamDto {
  @ApiProperty({ example: 'CN-320583-1-KSL' })
  @Matches(ISIL_PATTERN, { message: 'isil must be an ISIL such as CN-320583-1-KSL' })
  isil: string;
}

export class BranchCodeParamDto {
  @ApiProperty({ example: 'KSL-MAIN' })
  @Matches(BRANCH_CODE_PATTERN, { message: 'code must be upper-case letters, digits, dash or underscore' })
  code: string;
}

export class UpsertAgencyBodyDto extends OmitType(UpsertAgencyDto, ['isil'] as const) {}

export class UpsertBranchBodyDto extends OmitType(UpsertBranchDto, ['code'] as const) {}

/** PATCH: only the fields sent change; send `null` to clear an optional field. */
export class UpdateRecordBodyDto extends PartialType(CreateRecordDto) {}

export class UpdateItemBodyDto extends OmitType(UpdateItemDto, ['agency', 'barcode'] as const) {}

export class UpdatePatronBodyDto extends OmitType(UpdatePatronDto, ['agency', 'barcode'] as const) {}

export class PatronBlockParamsDto extends PatronRefDto {
  @ApiProperty({ enum: PatronBlockKinds })
  @IsIn(PatronBlockKinds)
  block: PatronBlockKind;
}

export class SetPatronBlockBodyDto {
  @ApiPropertyOptional({ description: 'why (shown to staff)' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  reason?: string;
}

export class PatronLoansQueryDto extends LongPageQueryDto {
  @ApiPropertyOptional({ enum: LoanListStatuses, default: 'open' })
  @IsOptional()
  @IsIn(LoanListStatuses)
  status?: (typeof LoanListStatuses)[number];
}

/** POST /api/circulation/exceptions/:id/resolve: who resolved it comes from the API key, never the body. */
export class ResolveCirculationExceptionBodyDto extends PickType(ResolveCirculationExceptionDto, ['note'] as const) {}

/** The body of every HTTP error the gateway returns. */
export class ErrorResponseDto {
  @ApiProperty({ example: 'ITEM_UNKNOWN', description: 'stable code (ErrorCode)' })
  code: string;

  @ApiProperty({ example: 'item CN-320583-1-KSL/B404 not found' })
  message: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { fields: [{ field: 'barcode', problems: ['…'] }] },
  })
  details?: Record<string, unknown>;
}

export type DownServiceHealth = { status: 'down'; error: string };

/** `GET /health`: every service asked over NATS, plus the gateway's own database and NATS. */
export interface GatewayHealthReport {
  status: 'up' | 'degraded';
  services: Record<string, ServiceHealth | DownServiceHealth>;
  gateway: Record<'database' | 'nats', { status: 'up' | 'down'; latencyMs?: number; error?: string }>;
}
