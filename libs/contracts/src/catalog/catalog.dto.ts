import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '../common/api-doc';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { BARCODE_PATTERN, BRANCH_CODE_PATTERN, ISIL_PATTERN } from '../common/identity';
import { PageQueryDto } from '../common/page.dto';

/** Staff searches may ask for suppressed copies and records (temporary interlibrary copies); readers' never do. */
function IncludeSuppressedProperty(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      default: false,
      description: 'staff: include suppressed copies and records (temporary interlibrary copies)',
    }),
    IsOptional(),
    Transform(({ value }: { value: unknown }) => value === true || value === 'true'),
    IsBoolean(),
  );
}

export const AgencyKinds = ['member', 'partner'] as const;
export type AgencyKind = (typeof AgencyKinds)[number];

/** central library, staffed branch, unstaffed 24-hour library, smart book locker */
export const BranchKinds = ['central', 'branch', 'self_service_24h', 'locker'] as const;
export type BranchKind = (typeof BranchKinds)[number];

export const ItemTypes = ['book', 'children_book', 'periodical', 'audiovisual', 'reference', 'rare'] as const;
export type ItemType = (typeof ItemTypes)[number];

/**
 * Circulation status of an item as the catalog knows it. `on_loan` mirrors the loans service
 * (it is updated from loan events); the loans database is the authority on who holds an item.
 */
export const ItemStatuses = [
  'available',
  'on_loan',
  'in_transit',
  'on_hold_shelf',
  'lost',
  'missing',
  'claimed_returned',
  'damaged',
  'withdrawn',
  'in_processing',
] as const;
export type ItemStatus = (typeof ItemStatuses)[number];

export class UpsertAgencyDto {
  @ApiProperty({ example: 'CN-320583-1-KSL' })
  @Matches(ISIL_PATTERN, { message: 'isil must be an ISIL such as CN-320583-1-KSL' })
  isil: string;

  @ApiProperty({ example: '昆山市图书馆' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: AgencyKinds })
  @IsIn(AgencyKinds)
  kind: AgencyKind;

  @ApiPropertyOptional({ example: 'Asia/Shanghai' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timezone?: string;
}

export class UpsertBranchDto {
  @ApiProperty({ example: 'KSL-MAIN' })
  @Matches(BRANCH_CODE_PATTERN)
  code: string;

  @ApiProperty({ example: 'CN-320583-1-KSL' })
  @Matches(ISIL_PATTERN)
  agency: string;

  @ApiProperty({ example: '总馆' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: BranchKinds })
  @IsIn(BranchKinds)
  kind: BranchKind;
}

export class CreateRecordDto {
  @ApiProperty({ example: '日知录' })
  @IsString()
  @Length(1, 500)
  title: string;

  @ApiPropertyOptional({ example: '顾炎武' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  author?: string;

  @ApiPropertyOptional({ example: '9787101003048' })
  @IsOptional()
  @Matches(/^(97[89])?\d{9}[\dX]$/, { message: 'isbn must be an ISBN-10 or ISBN-13 without hyphens' })
  isbn?: string;

  @ApiPropertyOptional({ example: '中华书局' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  publisher?: string;

  @ApiPropertyOptional({ example: 2020 })
  @IsOptional()
  @IsInt()
  @Min(1000)
  @Max(2100)
  year?: number;

  @ApiPropertyOptional({ example: 'K248.9', description: '中国图书馆分类法 (CLC) call number' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  clcCallNumber?: string;

  @ApiPropertyOptional({
    default: false,
    description: "kept out of reader-facing search (a partner's temporary interlibrary copy); still found by barcode",
  })
  @IsOptional()
  @IsBoolean()
  suppressed?: boolean;
}

export class UpdateRecordDto extends CreateRecordDto {
  @ApiProperty()
  @IsUUID()
  id: string;
}

export class RecordRefDto {
  @ApiProperty()
  @IsUUID()
  id: string;
}

export class SearchRecordsDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'words of the title (prefix/contains match)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  title?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(13)
  isbn?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  author?: string;

  @IncludeSuppressedProperty()
  includeSuppressed?: boolean;
}

export class ItemRefDto {
  @ApiProperty({ example: 'CN-320583-1-KSL', description: 'owning agency ISIL' })
  @Matches(ISIL_PATTERN, { message: 'agency must be an ISIL such as CN-320583-1-KSL' })
  agency: string;

  @ApiProperty({ example: 'B0000001' })
  @Matches(BARCODE_PATTERN, { message: 'barcode must be 1-32 letters, digits, dot, dash or underscore' })
  barcode: string;
}

export class CreateItemDto extends ItemRefDto {
  @ApiProperty()
  @IsUUID()
  recordId: string;

  @ApiProperty({ enum: ItemTypes })
  @IsIn(ItemTypes)
  itemType: ItemType;

  @ApiProperty({ example: 'KSL-MAIN' })
  @Matches(BRANCH_CODE_PATTERN)
  homeBranch: string;

  @ApiPropertyOptional({ example: 'KSL-MAIN', description: 'defaults to the home branch' })
  @IsOptional()
  @Matches(BRANCH_CODE_PATTERN)
  currentLocation?: string;

  @ApiPropertyOptional({ example: '2F 社科阅览区 K2' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  shelfLocation?: string;

  @ApiPropertyOptional({ enum: ItemStatuses, default: 'available' })
  @IsOptional()
  @IsIn(ItemStatuses)
  status?: ItemStatus;

  @ApiPropertyOptional({ description: 'false for reference-only copies', default: true })
  @IsOptional()
  @IsBoolean()
  loanable?: boolean;

  @ApiPropertyOptional({ description: 'replacement price in fen (integer cents)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  priceFen?: number;

  @ApiPropertyOptional({
    default: false,
    description: "kept out of reader-facing search (a partner's temporary interlibrary copy); still found by barcode",
  })
  @IsOptional()
  @IsBoolean()
  suppressed?: boolean;
}

export class UpdateItemDto extends ItemRefDto {
  @ApiPropertyOptional({ enum: ItemTypes })
  @IsOptional()
  @IsIn(ItemTypes)
  itemType?: ItemType;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(BRANCH_CODE_PATTERN)
  homeBranch?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(BRANCH_CODE_PATTERN)
  currentLocation?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  shelfLocation?: string;

  @ApiPropertyOptional({ enum: ItemStatuses })
  @IsOptional()
  @IsIn(ItemStatuses)
  status?: ItemStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  loanable?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(0)
  priceFen?: number;

  @ApiPropertyOptional({
    default: false,
    description: "kept out of reader-facing search (a partner's temporary interlibrary copy); still found by barcode",
  })
  @IsOptional()
  @IsBoolean()
  suppressed?: boolean;
}

export class SearchItemsDto extends PageQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ISIL_PATTERN)
  agency?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(BARCODE_PATTERN)
  barcode?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  recordId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  title?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(13)
  isbn?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(BRANCH_CODE_PATTERN)
  branch?: string;

  @IncludeSuppressedProperty()
  includeSuppressed?: boolean;
}

export interface AgencyView {
  isil: string;
  name: string;
  kind: AgencyKind;
  timezone: string;
  branches: BranchView[];
}

export interface BranchView {
  code: string;
  agency: string;
  name: string;
  kind: BranchKind;
}

export interface RecordView {
  id: string;
  title: string;
  author: string | null;
  isbn: string | null;
  publisher: string | null;
  year: number | null;
  clcCallNumber: string | null;
  /** kept out of reader-facing search (the stub record of a temporary interlibrary copy) */
  suppressed: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ItemView {
  id: string;
  agency: string;
  barcode: string;
  recordId: string;
  itemType: ItemType;
  homeBranch: string;
  currentLocation: string;
  shelfLocation: string | null;
  status: ItemStatus;
  loanable: boolean;
  priceFen: number | null;
  /** kept out of reader-facing search (a partner's temporary interlibrary copy); found by barcode */
  suppressed: boolean;
  /** denormalised from the record so kiosks can show a title without a second call */
  title: string;
  author: string | null;
  isbn: string | null;
  clcCallNumber: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * What circulation needs of a copy (loans keeps these in its item projection, fed by the item events).
 * `version` grows with every change of the catalog's item row, so an older state never overwrites a
 * newer one wherever it is copied.
 */
export interface ItemCirculationState {
  itemId: string;
  agency: string;
  barcode: string;
  recordId: string;
  /** the record's title when this state was taken (a record's later title edit is not re-sent per item) */
  title: string;
  itemType: ItemType;
  homeBranch: string;
  status: ItemStatus;
  loanable: boolean;
  version: number;
}

/** One page of every item's circulation state, in item id order (loans' projection backfill). */
export class ItemCirculationPageDto {
  @ApiPropertyOptional({ description: 'the last item id of the previous page' })
  @IsOptional()
  @IsUUID()
  after?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 2000, default: 1000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2000)
  limit?: number;
}

export interface ItemCirculationPage {
  items: ItemCirculationState[];
  /** pass as `after` for the next page; null after the last */
  next: string | null;
}
