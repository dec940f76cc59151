import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { ApiProperty, ApiPropertyOptional, OmitType } from '../common/api-doc';
import { BARCODE_PATTERN, BRANCH_CODE_PATTERN, ISIL_PATTERN } from '../common/identity';
import { PageQueryDto } from '../common/page.dto';
import { PatronRefDto } from '../patrons/patron.dto';
import { OrderStatus, OrderStatuses, PlaceOrderDto } from './delivery.dto';

/* HTTP-only shapes of the O2O endpoints (gateway): path params, flat queries, bodies without the caller. */

/** The reader's card (PatronRefDto) and PIN. */
export class ReaderLoginDto extends PatronRefDto {
  @ApiProperty({ example: '1234' })
  @IsString()
  @MaxLength(64)
  pin: string;
}

export interface ReaderTokenView {
  token: string;
  tokenType: 'Bearer';
  expiresAt: string;
  patron: { agency: string; barcode: string; name: string };
}

/** The reader comes from the token. */
export class ReaderOrderBodyDto extends OmitType(PlaceOrderDto, ['patron', 'actor'] as const) {}

export class ReaderOrdersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: OrderStatuses })
  @IsOptional()
  @IsIn(OrderStatuses)
  status?: OrderStatus;
}

export class StaffOrdersQueryDto extends ReaderOrdersQueryDto {
  @ApiPropertyOptional({ example: 'CN-320583-1-KSL' })
  @IsOptional()
  @Matches(ISIL_PATTERN)
  patronAgency?: string;

  @ApiPropertyOptional({ example: 'P0000001' })
  @IsOptional()
  @Matches(BARCODE_PATTERN)
  patronBarcode?: string;

  @ApiPropertyOptional({ example: 'KSL-LK-BC' })
  @IsOptional()
  @Matches(BRANCH_CODE_PATTERN)
  locker?: string;
}

/** Staff place an order for a reader (phone orders at the desk). */
export class StaffPlaceOrderDto extends OmitType(PlaceOrderDto, ['actor'] as const) {}

export class OrderIdParamDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id: string;
}

export class LockerCompartmentParamDto {
  @ApiProperty({ example: 'KSL-LK-BC' })
  @Matches(BRANCH_CODE_PATTERN)
  code: string;

  @ApiProperty({ example: 3 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(999)
  number: number;
}
