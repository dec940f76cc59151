import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
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
  ValidateNested,
} from 'class-validator';
import { ApiProperty, ApiPropertyOptional, OmitType } from '../common/api-doc';
import { ItemRefDto } from '../catalog/catalog.dto';
import { BRANCH_CODE_PATTERN, ISIL_PATTERN } from '../common/identity';
import type { ItemRef, PatronRef } from '../common/identity';
import { NestedRef } from '../common/nested-ref.decorator';
import { PageQueryDto } from '../common/page.dto';
import { PatronRefDto } from '../patrons/patron.dto';

/*
 * O2O delivery: a reader orders titles from the lending stock, to a smart locker or to their home.
 * Lifecycle (OrderView.status), see docs/o2o-delivery.md for the diagram:
 *   placed → picked → packed → dispatched → in_locker (or awaiting_compartment first) → collected
 *                              packed → handed_over → delivered | failed
 *   in_locker → expired → cleared;   placed/picked/packed/dispatched/awaiting_compartment → cancelled
 */
export const DeliveryModes = ['locker', 'home'] as const;
export type DeliveryMode = (typeof DeliveryModes)[number];

export const OrderStatuses = [
  'placed',
  'picked',
  'packed',
  'dispatched',
  'awaiting_compartment',
  'in_locker',
  'collected',
  'handed_over',
  'delivered',
  'failed',
  'expired',
  'cleared',
  'cancelled',
] as const;
export type OrderStatus = (typeof OrderStatuses)[number];
/** statuses in which an order still holds its copies */
export const OpenOrderStatuses: readonly OrderStatus[] = [
  'placed',
  'picked',
  'packed',
  'dispatched',
  'awaiting_compartment',
  'in_locker',
  'handed_over',
  'expired',
];

export const OrderItemStates = ['reserved', 'loaned', 'returned', 'released'] as const;
export type OrderItemState = (typeof OrderItemStates)[number];

export const OrderSteps = ['pick', 'pack', 'dispatch', 'hand_over', 'delivered', 'failed', 'cancel'] as const;
export type OrderStep = (typeof OrderSteps)[number];

export const ActorKinds = ['reader', 'staff', 'device', 'system'] as const;
export type ActorKind = (typeof ActorKinds)[number];

export const CompartmentSizes = ['S', 'L'] as const;
export type CompartmentSize = (typeof CompartmentSizes)[number];
export const CompartmentStates = ['free', 'occupied', 'open', 'disabled'] as const;
export type CompartmentState = (typeof CompartmentStates)[number];

/** a request id: the same id gives the same answer and no second effect */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{8,80}$/;

/** Who did a step, and where: recorded on the order's timeline (the gateway fills it from the caller). */
export class ActorDto {
  @ApiProperty({ enum: ActorKinds })
  @IsIn(ActorKinds)
  kind: ActorKind;

  @ApiProperty({ example: 'desk-ksl-main-1', description: 'API key name, device key name or reader card' })
  @IsString()
  @Length(1, 100)
  id: string;

  @ApiPropertyOptional({ example: 'KSL-O2O', description: 'branch or locker where it happened' })
  @IsOptional()
  @Matches(BRANCH_CODE_PATTERN)
  location?: string;
}

export class SearchStockDto extends PageQueryDto {
  @ApiPropertyOptional({ example: '红楼', description: 'words of the title or author' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}

export interface StockTitleView {
  recordId: string;
  title: string;
  author: string | null;
  /** copies that can be ordered now (not on loan, not held, not reserved by another order) */
  available: number;
}

export class PlaceOrderDto {
  @NestedRef(PatronRefDto)
  patron: PatronRefDto;

  @ApiProperty({ type: [String], description: 'catalog record ids (titles), one copy each' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsUUID('all', { each: true })
  titles: string[];

  @ApiProperty({ enum: DeliveryModes })
  @IsIn(DeliveryModes)
  mode: DeliveryMode;

  @ApiPropertyOptional({ example: 'KSL-LK-BC', description: 'locker site code (mode locker)' })
  @IsOptional()
  @Matches(BRANCH_CODE_PATTERN)
  locker?: string;

  @ApiPropertyOptional({
    example: '江苏省昆山市前进中路 1 号',
    description: 'home address (mode home); personal data, masked in lists',
  })
  @IsOptional()
  @IsString()
  @Length(4, 300)
  address?: string;

  @ApiPropertyOptional({
    example: '13800000000',
    description: 'phone for the courier and notices; personal data, masked in lists',
  })
  @IsOptional()
  @Matches(/^\+?[0-9 -]{5,20}$/, { message: 'phone must be digits (5 to 20)' })
  phone?: string;

  @ApiPropertyOptional({ description: 'who places it (default: the reader)', type: ActorDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ActorDto)
  actor?: ActorDto;
}

export class ListOrdersDto extends PageQueryDto {
  @ApiPropertyOptional({ type: PatronRefDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => PatronRefDto)
  patron?: PatronRefDto;

  @ApiPropertyOptional({ enum: OrderStatuses })
  @IsOptional()
  @IsIn(OrderStatuses)
  status?: OrderStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(BRANCH_CODE_PATTERN)
  locker?: string;
}

export class OrderRefDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  orderId: string;

  @ApiPropertyOptional({ type: PatronRefDto, description: 'when given, the order must be this reader’s' })
  @IsOptional()
  @ValidateNested()
  @Type(() => PatronRefDto)
  patron?: PatronRefDto;
}

export class OrderStepDto extends OrderRefDto {
  @ApiProperty({
    example: 'desk-1-20261203-0001',
    description: 'idempotency key: a retry with the same id gets the same answer',
  })
  @Matches(REQUEST_ID_PATTERN, { message: 'requestId must be 8 to 80 characters A-Z a-z 0-9 . _ : -' })
  requestId: string;

  @ApiProperty({ enum: OrderSteps })
  @IsIn(OrderSteps)
  step: OrderStep;

  @NestedRef(ActorDto)
  actor: ActorDto;

  @ApiPropertyOptional({ example: '顺丰速运', description: 'hand_over: carrier' })
  @IsOptional()
  @IsString()
  @Length(1, 60)
  carrier?: string;

  @ApiPropertyOptional({ example: 'SF1234567890', description: 'hand_over: tracking number' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9-]{4,40}$/)
  trackingNumber?: string;

  @ApiPropertyOptional({ example: 1200, description: 'hand_over: courier fee in fen' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  feeFen?: number;

  @ApiPropertyOptional({ example: 1000, description: 'hand_over: part of the fee the library pays (subsidy), fen' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  subsidyFen?: number;

  @ApiPropertyOptional({ example: '收件人电话无人接听', description: 'failed / cancel: why' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reason?: string;
}

export class ReissueCodeDto extends OrderRefDto {
  @ApiProperty()
  @Matches(REQUEST_ID_PATTERN)
  requestId: string;

  @NestedRef(ActorDto)
  actor: ActorDto;
}

export class PickListQueryDto {
  @ApiPropertyOptional({ example: 'KSL-O2O', description: 'stock location (default: every lending-stock location)' })
  @IsOptional()
  @Matches(BRANCH_CODE_PATTERN)
  location?: string;
}

export class CompartmentSpecDto {
  @ApiProperty({ example: 1 })
  @IsInt()
  @Min(1)
  @Max(999)
  number: number;

  @ApiProperty({ enum: CompartmentSizes })
  @IsIn(CompartmentSizes)
  size: CompartmentSize;
}

export class UpsertLockerDto {
  @ApiProperty({
    example: 'KSL-LK-BC',
    description: 'the locker’s own location code (a catalog branch of kind locker)',
  })
  @Matches(BRANCH_CODE_PATTERN)
  code: string;

  @ApiProperty({ example: 'CN-320583-1-KSL' })
  @Matches(ISIL_PATTERN)
  agency: string;

  @ApiProperty({ example: '巴城镇行政服务中心 智能借阅柜' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: '昆山市巴城镇湖滨北路 100 号' })
  @IsString()
  @Length(1, 300)
  address: string;

  @ApiProperty({ example: 'KSL-MAIN', description: 'branch that owns and loads it; full-locker parcels wait there' })
  @Matches(BRANCH_CODE_PATTERN)
  branch: string;

  @ApiPropertyOptional({ example: 72, description: 'pickup window in hours (default 72)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(720)
  pickupHours?: number;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  online?: boolean;

  @ApiPropertyOptional({
    type: [CompartmentSpecDto],
    description: 'compartments to add (existing numbers keep their state)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => CompartmentSpecDto)
  compartments?: CompartmentSpecDto[];
}

export interface CompartmentView {
  locker: string;
  number: number;
  size: CompartmentSize;
  state: CompartmentState;
  orderId: string | null;
}

export interface LockerView {
  code: string;
  agency: string;
  name: string;
  address: string;
  branch: string;
  pickupHours: number;
  /** staff: the site takes orders (false: closed for maintenance, moved …) */
  online: boolean;
  /** when its controller last called (a heartbeat or any device call); null: never */
  lastSeenAt: string | null;
  /**
   * the controller called before and has not for LOCKER_SILENT_AFTER_SECONDS: orders are refused and
   * `delivery_locker_online` is 0 until it calls again (a site that never called is judged by `online`)
   */
  silent: boolean;
  compartments: CompartmentView[];
}

export class ClearanceQueryDto {
  @ApiPropertyOptional({ example: 'KSL-LK-BC' })
  @IsOptional()
  @Matches(BRANCH_CODE_PATTERN)
  locker?: string;
}

export interface ClearanceEntry {
  locker: string;
  compartment: number;
  orderId: string;
  patron: PatronRef;
  items: { agency: string; barcode: string; title: string }[];
  expiredAt: string;
}

export class ClearCompartmentDto {
  @ApiProperty()
  @Matches(REQUEST_ID_PATTERN)
  requestId: string;

  @ApiProperty({ example: 'KSL-LK-BC' })
  @Matches(BRANCH_CODE_PATTERN)
  locker: string;

  @ApiProperty({ example: 3 })
  @IsInt()
  @Min(1)
  @Max(999)
  compartment: number;

  @NestedRef(ActorDto)
  actor: ActorDto;
}

/** Device calls: the gateway sets `locker` from the device key (bound to one locker site) and the actor. */
export class DeviceCallDto {
  @ApiProperty({
    example: 'lk-bc-000123',
    description: 'idempotency key chosen by the controller; a retry with the same id gets the same answer',
  })
  @Matches(REQUEST_ID_PATTERN, { message: 'requestId must be 8 to 80 characters A-Z a-z 0-9 . _ : -' })
  requestId: string;

  @ApiProperty({ example: 'KSL-LK-BC' })
  @Matches(BRANCH_CODE_PATTERN)
  locker: string;

  @NestedRef(ActorDto)
  actor: ActorDto;
}

export class DeviceDepositDto extends DeviceCallDto {
  @ApiProperty({ format: 'uuid', description: 'the parcel (order id, printed on the parcel label)' })
  @IsUUID()
  orderId: string;
}

export class DevicePickupDto extends DeviceCallDto {
  @NestedRef(PatronRefDto, 'the reader’s card, scanned or typed at the locker')
  patron: PatronRefDto;

  @ApiProperty({ example: '482913', description: 'the pickup code the reader typed' })
  @Matches(/^[0-9]{4,12}$/, { message: 'code must be 4 to 12 digits' })
  code: string;
}

export class DeviceDoorClosedDto extends DeviceCallDto {
  @ApiProperty({ example: 3 })
  @IsInt()
  @Min(1)
  @Max(999)
  compartment: number;
}

export class DeviceReturnDto extends DeviceCallDto {
  @NestedRef(ItemRefDto)
  item: ItemRefDto;
}

/** A controller's "still here" (every minute or so): no request id, it changes nothing but the time seen. */
export class DeviceHeartbeatDto extends OmitType(DeviceCallDto, ['requestId'] as const) {}

export interface DeviceHeartbeatResult {
  locker: string;
  lastSeenAt: string;
  /** staff's in-service flag: false means orders are refused whatever the heartbeat */
  online: boolean;
}

/** HTTP bodies of the device endpoints: the locker and actor come from the device key. */
export class DeviceDepositBodyDto extends OmitType(DeviceDepositDto, ['locker', 'actor'] as const) {}
export class DevicePickupBodyDto extends OmitType(DevicePickupDto, ['locker', 'actor'] as const) {}
export class DeviceDoorClosedBodyDto extends OmitType(DeviceDoorClosedDto, ['locker', 'actor'] as const) {}
export class DeviceReturnBodyDto extends OmitType(DeviceReturnDto, ['locker', 'actor'] as const) {}
/** HTTP body of staff steps: the actor comes from the API key. */
export class OrderStepBodyDto extends OmitType(OrderStepDto, ['orderId', 'patron', 'step', 'actor'] as const) {
  @ApiPropertyOptional({
    example: 'KSL-O2O',
    description: 'where the step happens (default: the order’s stock location)',
  })
  @IsOptional()
  @Matches(BRANCH_CODE_PATTERN)
  location?: string;
}
export class RequestIdBodyDto {
  @ApiProperty({ description: 'idempotency key' })
  @Matches(REQUEST_ID_PATTERN, { message: 'requestId must be 8 to 80 characters A-Z a-z 0-9 . _ : -' })
  requestId: string;
}

export interface DepositResult {
  orderId: string;
  /** in_locker: open this compartment and put the parcel in; awaiting_compartment: none fits, keep it at the branch */
  status: 'in_locker' | 'awaiting_compartment';
  compartment: number | null;
  pickupDeadline: string | null;
}

export interface PickupDecision {
  door: 'open' | 'shut';
  compartment: number | null;
  orderId: string | null;
  /** why the door stays shut: PICKUP_CODE_INVALID, PICKUP_CODE_LOCKED, PICKUP_CODE_EXPIRED, or the loans refusal (PATRON_BLOCKED …) */
  reason: string | null;
  message: string | null;
  failedAttempts: number | null;
  attemptsLeft: number | null;
  loans: { item: ItemRef; loanId: string; dueDate: string }[];
}

export interface DeviceReturnResult {
  item: ItemRef;
  locker: string;
  orderId: string | null;
  /** the checkin's routing: where the copy goes next */
  destination: string;
  transit: boolean;
  sortBin: string | null;
}

export class RunDeliveryJobsDto {
  @ApiPropertyOptional({
    example: '2026-12-10T00:00:00Z',
    description: 'run as if now were this instant (tests, catching up); default now',
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/, {
    message: 'at must be an ISO-8601 instant with a zone',
  })
  at?: string;
}

export interface DeliveryJobsReport {
  expired: number;
  reminded: number;
  /** orders whose lent books passed their due day (overdue notice sent) */
  overdue: number;
  /** abandoned placements (a crash between reserving and recording) whose copies were released */
  abandoned: number;
}

export class UpsertDeviceKeyDto {
  @ApiProperty({ example: 'locker-ksl-lk-bc' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ example: 'KSL-LK-BC' })
  @Matches(BRANCH_CODE_PATTERN)
  locker: string;

  @ApiProperty({ description: 'the key value (random, at least 12 characters); stored hashed' })
  @IsString()
  @Length(12, 200)
  key: string;
}

export interface TimelineEntry {
  at: string;
  action: string;
  status: OrderStatus;
  actor: { kind: ActorKind; id: string; location: string | null };
  detail: Record<string, unknown>;
}

export interface OrderItemView {
  recordId: string;
  title: string;
  item: ItemRef;
  shelfLocation: string | null;
  state: OrderItemState;
  holdId: string | null;
  loanId: string | null;
  dueDate: string | null;
}

export interface OrderView {
  id: string;
  patron: PatronRef;
  mode: DeliveryMode;
  status: OrderStatus;
  locker: string | null;
  compartment: number | null;
  stockLocation: string;
  /** masked: 江苏省昆山市****, 138****0000 */
  address: string | null;
  phone: string | null;
  pickupDeadline: string | null;
  code: { failedAttempts: number; locked: boolean; expiresAt: string | null } | null;
  courier: { carrier: string; trackingNumber: string | null; feeFen: number; subsidyFen: number } | null;
  items: OrderItemView[];
  placedAt: string;
  updatedAt: string;
  timeline?: TimelineEntry[];
}

export interface PickListView {
  location: string | null;
  entries: {
    orderId: string;
    placedAt: string;
    mode: DeliveryMode;
    locker: string | null;
    item: ItemRef;
    title: string;
    shelfLocation: string | null;
    stockLocation: string;
  }[];
}

/** Event data of every events.delivery.* event. */
export interface OrderEventData {
  orderId: string;
  patron: PatronRef;
  status: OrderStatus;
  mode: DeliveryMode;
  action: string;
  locker: string | null;
  lockerName: string | null;
  compartment: number | null;
  pickupDeadline: string | null;
  titles: string[];
  /** the lending-stock location the copies come from (absent in events written before it was added) */
  stockLocation?: string;
  /** copies of the order lent so far (state loaned or returned): the books an O2O collection lent */
  copiesLent?: number;
  /** parcel-ready only: the pickup code sealed (AES-256-GCM) for the notifier; never logged */
  sealedCode?: string;
  /** raw phone for the notifier (the stream is internal); never logged */
  phone?: string | null;
  /** loan-overdue only: the earliest due day passed */
  dueDate?: string | null;
}
