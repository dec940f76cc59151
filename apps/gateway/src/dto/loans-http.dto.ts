import { ApiProperty, ApiPropertyOptional, OmitType } from '@app/contracts/common/api-doc';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import {
  BARCODE_PATTERN,
  BranchHoldsDto,
  CancelHoldDto,
  HoldListStatus,
  HoldListStatuses,
  ISIL_PATTERN,
  ListFinesDto,
  LongPageQueryDto,
  PayFinesDto,
  UpsertCalendarDto,
  UpsertLoanRuleDto,
  WaiveFineDto,
} from '@app/contracts';

/*
 * HTTP shapes of the loans endpoints (calendars, circulation rules, holds, fines): identity in the
 * path, the rest in the body or a flat query; the gateway builds the loans contract DTO from them.
 */

/** PUT /api/calendars/:branch body (the branch travels in the path). */
export class UpsertCalendarBodyDto extends OmitType(UpsertCalendarDto, ['branch'] as const) {}

/** HTTP body of `PUT /api/circulation-rules/:id` (the id travels in the path). */
export class UpsertLoanRuleBodyDto extends OmitType(UpsertLoanRuleDto, ['id'] as const) {}

/** HTTP query form of ListHoldsDto (flat, because query strings have no nesting). */
export class ListHoldsQueryDto extends LongPageQueryDto {
  @ApiPropertyOptional({ example: 'CN-320583-1-KSL' })
  @IsOptional()
  @Matches(ISIL_PATTERN)
  patronAgency?: string;

  @ApiPropertyOptional({ example: 'P0000004' })
  @IsOptional()
  @Matches(BARCODE_PATTERN)
  patronBarcode?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  recordId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ISIL_PATTERN)
  itemAgency?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(BARCODE_PATTERN)
  itemBarcode?: string;

  @ApiPropertyOptional({ enum: HoldListStatuses, default: 'active' })
  @IsOptional()
  @IsIn(HoldListStatuses)
  status?: HoldListStatus;
}

export class HoldIdParamDto {
  @ApiProperty()
  @IsUUID()
  id: string;
}

export class CancelHoldBodyDto extends OmitType(CancelHoldDto, ['holdId'] as const) {}

export class BranchHoldsQueryDto extends OmitType(BranchHoldsDto, ['branch'] as const) {}

export class PayFinesBodyDto extends OmitType(PayFinesDto, ['patron'] as const) {}

export class WaiveFineBodyDto extends OmitType(WaiveFineDto, ['fineId'] as const) {}

export class FineIdParamDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  fineId: string;
}

/** HTTP query of `GET /api/patrons/:agency/:barcode/fines` (the patron travels in the path). */
export class ListFinesQueryDto extends OmitType(ListFinesDto, ['patron'] as const) {}
