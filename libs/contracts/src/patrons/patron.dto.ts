import { ApiProperty, ApiPropertyOptional } from '../common/api-doc';
import {
  IsArray,
  IsBoolean,
  IsDateString,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { BARCODE_PATTERN, BRANCH_CODE_PATTERN, ISIL_PATTERN } from '../common/identity';
import { PageQueryDto } from '../common/page.dto';

/** A calendar date without time or zone, e.g. 2028-12-31. */
export const PLAIN_DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export const PatronTypes = [
  'adult',
  'child',
  'senior',
  'student',
  'visually_impaired',
  'staff',
  'partner_library',
] as const;
export type PatronType = (typeof PatronTypes)[number];

export const PatronStatuses = ['active', 'inactive'] as const;
export type PatronStatus = (typeof PatronStatuses)[number];

/** Blocks are independent flags; any one of them stops circulation. `expired` is derived from card expiry. */
export const PatronBlockKinds = ['card_lost', 'manual', 'fines', 'overdue'] as const;
export type PatronBlockKind = (typeof PatronBlockKinds)[number];

export class CreatePatronDto {
  @ApiProperty({ example: 'CN-320583-1-KSL' })
  @Matches(ISIL_PATTERN, { message: 'agency must be an ISIL such as CN-320583-1-KSL' })
  agency: string;

  @ApiProperty({ example: 'P0000001', description: 'library card barcode, unique within the agency' })
  @Matches(BARCODE_PATTERN)
  barcode: string;

  @ApiProperty({ example: '张三' })
  @IsString()
  @Length(1, 120)
  name: string;

  @ApiProperty({ enum: PatronTypes, example: 'adult' })
  @IsIn(PatronTypes)
  patronType: PatronType;

  @ApiProperty({ example: 'KSL-MAIN' })
  @Matches(BRANCH_CODE_PATTERN)
  homeBranch: string;

  @ApiProperty({
    example: '2028-12-31',
    description: 'card expiry date YYYY-MM-DD (library time zone); the card is valid through this day',
  })
  @IsDateString({ strict: true })
  @Matches(PLAIN_DATE_PATTERN, { message: 'cardExpiresOn must be a calendar date YYYY-MM-DD' })
  cardExpiresOn: string;

  @ApiProperty({ example: '1234', description: 'PIN, 4-16 characters; stored as a scrypt hash' })
  @IsString()
  @MinLength(4)
  @MaxLength(16)
  pin: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsEmail()
  email?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(32)
  phone?: string;

  @ApiPropertyOptional({ enum: PatronBlockKinds, isArray: true })
  @IsOptional()
  @IsArray()
  @IsIn(PatronBlockKinds, { each: true })
  blocks?: PatronBlockKind[];
}

export class UpdatePatronDto {
  @ApiProperty()
  @Matches(ISIL_PATTERN)
  agency: string;

  @ApiProperty()
  @Matches(BARCODE_PATTERN)
  barcode: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 120)
  name?: string;

  @ApiPropertyOptional({ enum: PatronTypes })
  @IsOptional()
  @IsIn(PatronTypes)
  patronType?: PatronType;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(BRANCH_CODE_PATTERN)
  homeBranch?: string;

  @ApiPropertyOptional({ example: '2028-12-31', description: 'card expiry date YYYY-MM-DD (library time zone)' })
  @IsOptional()
  @IsDateString({ strict: true })
  @Matches(PLAIN_DATE_PATTERN, { message: 'cardExpiresOn must be a calendar date YYYY-MM-DD' })
  cardExpiresOn?: string;

  @ApiPropertyOptional({ enum: PatronStatuses })
  @IsOptional()
  @IsIn(PatronStatuses)
  status?: PatronStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(4)
  @MaxLength(16)
  pin?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsEmail()
  email?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(32)
  phone?: string;
}

export class PatronRefDto {
  @ApiProperty({ example: 'CN-320583-1-KSL' })
  @Matches(ISIL_PATTERN)
  agency: string;

  @ApiProperty({ example: 'P0000001' })
  @Matches(BARCODE_PATTERN)
  barcode: string;
}

/** Where a PIN check comes from (`sip2:kiosk01`, `http:desk-1`, `loans:sip2`): wrong PINs are throttled per origin. */
export const PIN_ORIGIN_PATTERN = /^[A-Za-z0-9._:@-]{1,100}$/;

export class VerifyPinDto extends PatronRefDto {
  @ApiProperty()
  @IsString()
  @MaxLength(64)
  pin: string;

  @ApiPropertyOptional({
    example: 'sip2:kiosk01',
    description: 'who asks (terminal, key, channel); wrong PINs are throttled per origin',
  })
  @IsOptional()
  @Matches(PIN_ORIGIN_PATTERN)
  origin?: string;
}

/** `patrons.pin-throttle.*`: a card's wrong-PIN state, for staff (shown on the patron record, clearable). */
export interface PinThrottleView {
  /** wrong PINs from every origin in the current window */
  failures: number;
  /** true when the card refuses PIN checks from every origin until `throttledUntil` */
  throttled: boolean;
  throttledUntil: string | null;
  origins: {
    origin: string;
    failures: number;
    throttled: boolean;
    throttledUntil: string | null;
    lastFailedAt: string;
  }[];
  /** why PINs of this card are not checked somewhere, for staff; null when they are checked everywhere */
  reason: string | null;
}

export class SetPatronBlockDto extends PatronRefDto {
  @ApiProperty({ enum: PatronBlockKinds })
  @IsIn(PatronBlockKinds)
  block: PatronBlockKind;

  @ApiProperty({ description: 'true to set the block, false to lift it' })
  @IsBoolean()
  active: boolean;

  @ApiPropertyOptional({ description: 'why (shown to staff)' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  reason?: string;

  @ApiPropertyOptional({ description: 'who sets or lifts the block (staff id or service name), kept with the block' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  actor?: string;
}

/** Who set a block, when and why (kept for staff; circulation only needs `blocks`). */
export interface PatronBlockDetail {
  reason: string | null;
  actor: string | null;
  /** ISO timestamp when the block was set */
  since: string;
}

export class SearchPatronsDto extends PageQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ISIL_PATTERN)
  agency?: string;

  @ApiPropertyOptional({ description: 'name or barcode prefix' })
  @IsOptional()
  @IsString()
  @MaxLength(120)
  q?: string;
}

/** What other services see of a patron: never the PIN hash. */
export interface PatronView {
  id: string;
  agency: string;
  barcode: string;
  name: string;
  patronType: PatronType;
  homeBranch: string;
  cardExpiresOn: string;
  status: PatronStatus;
  blocks: PatronBlockKind[];
  /** true when the card expiry date has passed in the library time zone */
  expired: boolean;
  /** true when any block applies or the card is expired or inactive: circulation must refuse */
  circulationBlocked: boolean;
  /** reason/actor/time per active block, where known */
  blockDetails?: Partial<Record<PatronBlockKind, PatronBlockDetail>>;
  email: string | null;
  phone: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface VerifyPinResult {
  valid: boolean;
  /** set when too many wrong PINs were tried recently; the PIN was not checked */
  throttled?: boolean;
  patron: PatronView;
}
