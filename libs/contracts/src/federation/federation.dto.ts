import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '../common/api-doc';
import { BARCODE_PATTERN, BRANCH_CODE_PATTERN, ISIL_PATTERN } from '../common/identity';
import type { ItemRef } from '../common/identity';
import { ItemRefDto } from '../catalog/catalog.dto';
import { LongPageQueryDto } from '../common/page.dto';
import { PatronTypes, type PatronType } from '../patrons/patron.dto';

/** The raw NCIP exchange the gateway forwards: body as received, the key from the header or path. */
export class NcipExchangeDto {
  @IsString()
  xml: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  key?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  remoteAddress?: string;

  /** set by the gateway when it refused the body itself (larger than NCIP_BODY_LIMIT): answered with a Problem */
  @IsOptional()
  @IsIn(['too_large'])
  refused?: 'too_large';
}

export interface NcipExchangeReply {
  /** HTTP status: 200 for every NCIP answer (problems included), as NCIP over HTTP expects */
  status: number;
  xml: string;
  correlationId: string;
}

export const ShippingPayers = ['borrower', 'lender', 'split'] as const;
export const NamespaceStyles = ['prefixed', 'default'] as const;

export class PartnerAgreementDto {
  @ApiPropertyOptional({
    enum: PatronTypes,
    isArray: true,
    description: 'their patron types allowed to borrow here (empty = all)',
  })
  @IsOptional()
  @IsArray()
  @IsIn(PatronTypes, { each: true })
  patronTypesAllowed?: PatronType[];

  @ApiPropertyOptional({ example: 30, description: 'loan period in days for their readers and for interlibrary loans' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  loanDays?: number;

  @ApiPropertyOptional({ example: 5, description: 'most items one of their readers may have here' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  maxItems?: number;

  @ApiPropertyOptional({ description: 'whether our items may be lent to them' })
  @IsOptional()
  @IsBoolean()
  lendOurItems?: boolean;

  @ApiPropertyOptional({ enum: ShippingPayers })
  @IsOptional()
  @IsIn(ShippingPayers)
  returnShippingPaidBy?: (typeof ShippingPayers)[number];

  @ApiPropertyOptional({ example: 'TCL', description: 'their card barcodes start with this' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  cardPrefix?: string;

  @ApiPropertyOptional({ example: '^TCL\\d{7}$', description: 'or match this regular expression' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cardPattern?: string;

  @ApiPropertyOptional({ description: 'when their home system does not answer: refuse, or lend with offlineMaxItems' })
  @IsOptional()
  @IsIn(['refuse', 'lend_with_limit'])
  whenHomeDown?: 'refuse' | 'lend_with_limit';

  @ApiPropertyOptional({ example: 1 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(20)
  offlineMaxItems?: number;
  @ApiPropertyOptional({
    example: 7,
    description:
      'recall period in days: a recalled loan becomes due this many days from the recall (never later than it was)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(90)
  recallDays?: number;
}

export class PartnerNcipSettingsDto {
  @ApiPropertyOptional({ example: 'https://ncip.tclib.example/ncip' })
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  endpoint?: string;

  @ApiPropertyOptional({ description: 'the key we send to them (stored; never returned)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  outboundKey?: string;

  @ApiPropertyOptional({ enum: NamespaceStyles })
  @IsOptional()
  @IsIn(NamespaceStyles)
  namespaceStyle?: (typeof NamespaceStyles)[number];

  @ApiPropertyOptional({ example: 5000 })
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(120000)
  timeoutMs?: number;

  @ApiPropertyOptional({ example: 3 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  retries?: number;
}

export class UpsertPartnerDto {
  @ApiProperty({ example: 'CN-320585-1-TCL' })
  @Matches(ISIL_PATTERN)
  isil: string;

  @ApiProperty({ example: '太仓市图书馆' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({
    example: ['TCL'],
    description: 'other AgencyId values they send for themselves (institution codes)',
  })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  aliases?: string[];

  @ApiPropertyOptional({
    example: 'TCL-MAIN',
    description: 'their branch in our catalog (where their returns are checked in)',
  })
  @IsOptional()
  @Matches(BRANCH_CODE_PATTERN)
  branch?: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ type: PartnerAgreementDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => PartnerAgreementDto)
  agreement?: PartnerAgreementDto;

  @ApiPropertyOptional({ type: PartnerNcipSettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => PartnerNcipSettingsDto)
  ncip?: PartnerNcipSettingsDto;
}

export interface PartnerKeyView {
  id: string;
  prefix: string;
  label: string | null;
  allowedAgencyIds: string[];
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface PartnerView {
  isil: string;
  name: string;
  aliases: string[];
  branch: string | null;
  active: boolean;
  agreement: Required<Omit<PartnerAgreementDto, 'cardPrefix' | 'cardPattern'>> & {
    cardPrefix: string | null;
    cardPattern: string | null;
  };
  ncip: {
    endpoint: string | null;
    namespaceStyle: string;
    timeoutMs: number;
    retries: number;
    hasOutboundKey: boolean;
  };
  keys: PartnerKeyView[];
  updatedAt: string;
}

export class IssuePartnerKeyDto {
  @ApiProperty({ example: 'CN-320585-1-TCL' })
  @Matches(ISIL_PATTERN)
  isil: string;

  @ApiPropertyOptional({ description: 'a key to store (demo/import); otherwise one is generated' })
  @IsOptional()
  @IsString()
  @Length(12, 200)
  key?: string;

  @ApiPropertyOptional({ example: '2026 rotation' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  label?: string;

  @ApiPropertyOptional({ description: 'FromAgencyId values the key may use (default: the ISIL and the aliases)' })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  allowedAgencyIds?: string[];
}

export interface IssuedPartnerKey extends PartnerKeyView {
  /** shown once; stored only as a hash */
  key: string;
}

export class RevokePartnerKeyDto {
  @ApiProperty()
  @IsUUID()
  id: string;
}

export const UnitKinds = ['central', 'branch', 'self_service_24h', 'locker'] as const;

export class UpsertUnitDto {
  @ApiProperty({ example: 'KSL-ZS' })
  @Matches(BRANCH_CODE_PATTERN)
  code: string;

  @ApiProperty({ example: 'CN-320583-1-KSL' })
  @Matches(ISIL_PATTERN)
  agency: string;

  @ApiProperty({ example: '周市分馆' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: UnitKinds })
  @IsIn(UnitKinds)
  kind: (typeof UnitKinds)[number];

  @ApiPropertyOptional({ example: 'KSL-MAIN', description: 'the central library this unit reports to' })
  @IsOptional()
  @Matches(BRANCH_CODE_PATTERN)
  parent?: string;
}

export interface UnitView {
  code: string;
  agency: string;
  name: string;
  kind: string;
  parent: string | null;
}

export class ListUnitsDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ISIL_PATTERN)
  agency?: string;
}

export class ListExchangesDto extends LongPageQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  partner?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  correlationId?: string;

  @ApiPropertyOptional({ enum: ['in', 'out'] })
  @IsOptional()
  @IsIn(['in', 'out'])
  direction?: 'in' | 'out';

  @ApiPropertyOptional({ example: 'CheckOutItem' })
  @IsOptional()
  @IsString()
  @MaxLength(60)
  service?: string;

  @ApiPropertyOptional({ enum: ['ok', 'problem', 'error', 'replayed'] })
  @IsOptional()
  @IsIn(['ok', 'problem', 'error', 'replayed'])
  outcome?: string;
}

export interface ExchangeView {
  id: string;
  correlationId: string;
  direction: 'in' | 'out';
  partner: string | null;
  service: string | null;
  outcome: string;
  problem: string | null;
  durationMs: number;
  request: string;
  response: string | null;
  createdAt: string;
}

export const IllDirections = ['borrowing', 'lending'] as const;
export const IllStates = [
  'requested',
  'supplier_confirmed',
  'shipped',
  'received',
  'ready',
  'loaned',
  'returned',
  'shipped_home',
  'completed',
  'cancelled',
  'not_supplied',
  'try_next_partner',
  'recalled',
] as const;
export type IllState = (typeof IllStates)[number];

export class ListIllRequestsDto extends LongPageQueryDto {
  @ApiPropertyOptional({ enum: IllStates })
  @IsOptional()
  @IsIn(IllStates)
  state?: IllState;

  @ApiPropertyOptional({ enum: IllDirections })
  @IsOptional()
  @IsIn(IllDirections)
  direction?: (typeof IllDirections)[number];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  partner?: string;
}

export class IllRequestRefDto {
  @ApiProperty()
  @IsUUID()
  id: string;
}

/** Staff actions on one request; each is a transition recorded with who and why. */
export const IllActions = [
  'confirm',
  'ship',
  'receive',
  'ready',
  'return',
  'ship_home',
  'complete',
  'cancel',
  'not_supplied',
  'try_next_partner',
  'renew',
  'recall',
] as const;

export class ActOnIllRequestDto extends IllRequestRefDto {
  @ApiProperty({ enum: IllActions })
  @IsIn(IllActions)
  action: (typeof IllActions)[number];

  @ApiPropertyOptional({ example: 'staff:wang' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  actor?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export interface IllTransitionView {
  from: string | null;
  to: string;
  actor: string;
  reason: string | null;
  at: string;
}

export interface IllRequestView {
  id: string;
  direction: (typeof IllDirections)[number];
  partner: string;
  partnerRequestId: string | null;
  state: IllState;
  patron: { agency: string | null; barcode: string } | null;
  item: ItemRef | null;
  title: string | null;
  holdId: string | null;
  dueAt: string | null;
  createdAt: string;
  updatedAt: string;
  transitions?: IllTransitionView[];
}

export const FailedExchangeFilters = ['open', 'retrying', 'needs_person', 'resolved', 'all'] as const;

export class ListFailedExchangesDto extends LongPageQueryDto {
  @ApiPropertyOptional({
    enum: FailedExchangeFilters,
    default: 'open',
    description:
      'open: not resolved (retrying: automatic retries still due; needs_person: they ran out or the partner refused)',
  })
  @IsOptional()
  @IsIn(FailedExchangeFilters)
  status?: (typeof FailedExchangeFilters)[number];
}

export class ResolveFailedExchangeDto {
  @ApiProperty()
  @IsUUID()
  id: string;

  @ApiPropertyOptional({ example: 'staff:wang' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  actor?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export interface FailedExchangeView {
  id: string;
  partner: string;
  service: string;
  reason: string;
  attempts: number;
  status: 'open' | 'resolved';
  correlationId: string | null;
  /** when it is sent again by itself; null: no more automatic retries, a person decides */
  nextAttemptAt: string | null;
  autoAttempts: number;
  createdAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
  note: string | null;
}

export interface PartnerCardRule {
  isil: string;
  prefix: string | null;
  pattern: string | null;
}

export class ResolvePartnerPatronDto {
  @ApiProperty({ example: 'TCL0000001' })
  @Matches(BARCODE_PATTERN)
  barcode: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(64)
  pin?: string;
}

/** A partner's copy returned here: `agency` is the owning partner agency. */
export class PartnerItemReturnDto extends ItemRefDto {}

export class CreateIllRequestDto {
  @ApiProperty({ example: 'CN-320585-1-TCL', description: 'the partner asked to supply' })
  @Matches(ISIL_PATTERN)
  partner: string;

  @ApiProperty({ example: 'P0000001', description: 'our reader the copy is for' })
  @Matches(BARCODE_PATTERN)
  patronBarcode: string;

  @ApiPropertyOptional({ example: 'T0000042', description: "the partner's copy, when known" })
  @IsOptional()
  @Matches(BARCODE_PATTERN)
  itemBarcode?: string;

  @ApiPropertyOptional({ example: '9787020024759', description: "or the title: ISBN or the partner's record id" })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  bibliographicId?: string;

  @ApiPropertyOptional({ example: '管锥编' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  title?: string;

  @ApiPropertyOptional({ example: 'staff:wang' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  actor?: string;
}
