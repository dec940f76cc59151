import { ApiProperty, ApiPropertyOptional } from '../common/api-doc';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDateString,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ItemRefDto } from '../catalog/catalog.dto';
import { BRANCH_CODE_PATTERN } from '../common/identity';
import { PatronRefDto, PIN_ORIGIN_PATTERN, PLAIN_DATE_PATTERN } from '../patrons/patron.dto';
import { CirculationChannel, CirculationChannels } from './circulation-channel';
import { LongPageQueryDto } from '../common/page.dto';
import { NestedRef } from '../common/nested-ref.decorator';
import { DeadlineProperty, IdempotencyKeyProperty } from './field.dto';

/*
 * Holds (reservations). A hold asks for a title (any copy of a bibliographic record, owned by the
 * pickup branch's agency) or for one item, to be picked up at a branch or locker. The queue of a
 * title is ordered by priority (higher first), then placement time, then id — see docs/circulation.md.
 *
 * Lifecycle: waiting → (trapped at a checkin) in_transit → ready (on the hold shelf) → fulfilled
 * (checked out to the patron). Ends early as cancelled, or expired (not-needed-after passed while
 * waiting, or not picked up by the pickup deadline).
 */
export const HoldLevels = ['title', 'item'] as const;
export type HoldLevel = (typeof HoldLevels)[number];

export const HoldStatuses = ['waiting', 'in_transit', 'ready', 'fulfilled', 'cancelled', 'expired'] as const;
export type HoldStatus = (typeof HoldStatuses)[number];
/** statuses of a hold that still counts for the patron (summary, duplicates) */
export const ActiveHoldStatuses: readonly HoldStatus[] = ['waiting', 'in_transit', 'ready'];

export const HoldPlacers = ['patron', 'staff'] as const;
export type HoldPlacer = (typeof HoldPlacers)[number];

export const HoldEndReasons = [
  'fulfilled',
  'cancelled_by_patron',
  'cancelled_by_staff',
  'not_needed_after',
  'pickup_expired',
] as const;
export type HoldEndReason = (typeof HoldEndReasons)[number];

/** `loans.holds.place.v1`: exactly one of `recordId` (title-level) and `item` (item-level). */
export class PlaceHoldDto {
  @NestedRef(PatronRefDto)
  patron: PatronRefDto;

  @ApiPropertyOptional({ description: 'title-level hold: any loanable copy of this record (catalog record id)' })
  @IsOptional()
  @IsUUID()
  recordId?: string;

  @ApiPropertyOptional({ type: ItemRefDto, description: 'item-level hold: this copy only' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ItemRefDto)
  item?: ItemRefDto;

  @ApiProperty({
    example: 'KSL-ZS',
    description: 'branch (central/branch) or smart locker (kind locker) where the patron collects it',
  })
  @Matches(BRANCH_CODE_PATTERN)
  pickupBranch: string;

  @ApiPropertyOptional({
    example: '2026-12-31',
    description: 'not needed after this local date (YYYY-MM-DD); the hold expires unfilled after it',
  })
  @IsOptional()
  @IsDateString({ strict: true }, { message: 'notNeededAfter must be a real calendar date YYYY-MM-DD' })
  @Matches(PLAIN_DATE_PATTERN, { message: 'notNeededAfter must be a calendar date YYYY-MM-DD' })
  notNeededAfter?: string;

  @ApiPropertyOptional({
    enum: HoldPlacers,
    default: 'patron',
    description: 'staff-placed holds may carry an explicit priority',
  })
  @IsOptional()
  @IsIn(HoldPlacers)
  placedBy?: HoldPlacer;

  @ApiPropertyOptional({
    description: 'explicit queue priority 0..100 (staff only); default from the patron type rule',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  priority?: number;

  @ApiPropertyOptional({ description: 'when given (SIP2 15 AD), the PIN is verified first' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  pin?: string;

  @ApiPropertyOptional({
    example: 'sip2:kiosk01',
    description: 'who checks the PIN (set by the gateway and SIP2 server; wrong PINs are throttled per origin)',
  })
  @IsOptional()
  @Matches(PIN_ORIGIN_PATTERN)
  pinOrigin?: string;

  @ApiPropertyOptional({ enum: CirculationChannels, default: 'api' })
  @IsOptional()
  @IsIn(CirculationChannels)
  channel?: CirculationChannel;

  @ApiPropertyOptional({
    description:
      'item-level only (O2O orders): set the copy aside at once — the hold starts in_transit to the pickup location with this copy trapped; refused with ITEM_ALREADY_ON_LOAN or ITEM_HELD_FOR_ANOTHER_PATRON when the copy is lent or set aside (the database decides races)',
  })
  @IsOptional()
  @IsBoolean()
  setAside?: boolean;

  @IdempotencyKeyProperty()
  idempotencyKey?: string;

  @DeadlineProperty()
  deadline?: string;
}

/** `loans.holds.cancel.v1`. With `patron`, the hold must be that patron's (SIP2 15 with `-`). */
export class CancelHoldDto {
  @ApiProperty()
  @IsUUID()
  holdId: string;

  @ApiPropertyOptional({ type: PatronRefDto, description: 'when given, the hold must belong to this patron' })
  @IsOptional()
  @ValidateNested()
  @Type(() => PatronRefDto)
  patron?: PatronRefDto;

  @ApiPropertyOptional({ enum: HoldPlacers, default: 'staff', description: 'who cancels: patron or staff' })
  @IsOptional()
  @IsIn(HoldPlacers)
  cancelledBy?: HoldPlacer;

  @IdempotencyKeyProperty()
  idempotencyKey?: string;

  @DeadlineProperty()
  deadline?: string;
}

export const HoldListStatuses = ['active', 'ended', 'all'] as const;
export type HoldListStatus = (typeof HoldListStatuses)[number];

/** `loans.holds.list.v1`: exactly one of `patron`, `recordId`, `item` (an item's queue includes title-level holds on its record). */
export class ListHoldsDto extends LongPageQueryDto {
  @ApiPropertyOptional({ type: PatronRefDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => PatronRefDto)
  patron?: PatronRefDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  recordId?: string;

  @ApiPropertyOptional({ type: ItemRefDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ItemRefDto)
  item?: ItemRefDto;

  /** with `item`: its record (title), when the caller already has the item; spares the loans service a catalog look-up */
  @ApiPropertyOptional({ description: "with item: the item's record id, when the caller already looked the item up" })
  @IsOptional()
  @IsUUID()
  itemRecordId?: string;

  @ApiPropertyOptional({ enum: HoldListStatuses, default: 'active' })
  @IsOptional()
  @IsIn(HoldListStatuses)
  status?: HoldListStatus;
}

/** `loans.holds.shelf.v1` and `loans.holds.pick-list.v1`: one branch's lists. */
export class BranchHoldsDto extends LongPageQueryDto {
  @ApiProperty({ example: 'KSL-ZS' })
  @Matches(BRANCH_CODE_PATTERN)
  branch: string;
}

/** `loans.holds.expire.v1`: run the expiry job now (ops; it also runs periodically). No fields. */
export class RunHoldExpiryDto {}

export interface HoldView {
  id: string;
  patron: { agency: string; barcode: string };
  level: HoldLevel;
  recordId: string;
  /** the requested copy of an item-level hold; null for title-level */
  item: { agency: string; barcode: string } | null;
  title: string;
  /** agency whose copies can fill the hold (the pickup branch's) */
  agency: string;
  pickupBranch: string;
  status: HoldStatus;
  priority: number;
  placedBy: HoldPlacer;
  placedAt: string;
  notNeededAfter: string | null;
  /** 1-based place among the waiting holds of the title (waiting holds only) */
  queuePosition: number | null;
  /** the copy set aside for this hold (in transit or on the shelf) */
  trappedItem: { agency: string; barcode: string } | null;
  trappedAt: string | null;
  readyAt: string | null;
  /** collect by this moment (end of the local day), UTC ISO-8601 */
  pickupDeadline: string | null;
  /** the same deadline as a local date YYYY-MM-DD, what the notice says */
  pickupDeadlineDate: string | null;
  endedAt: string | null;
  endReason: HoldEndReason | null;
  loanId: string | null;
}

/** Hold part of a CheckinResult: the returned item was set aside for a hold. */
export interface CheckinHoldInfo {
  holdId: string;
  patron: { agency: string; barcode: string };
  pickupBranch: string;
  /** ready: put it on the hold shelf here; in_transit: send it to pickupBranch */
  status: 'ready' | 'in_transit';
  pickupDeadline: string | null;
  pickupDeadlineDate: string | null;
}

export interface HoldShelfEntry {
  holdId: string;
  patron: { agency: string; barcode: string };
  item: { agency: string; barcode: string };
  title: string;
  readyAt: string | null;
  pickupDeadline: string | null;
  pickupDeadlineDate: string | null;
  /** the deadline passed: the item must come off the shelf */
  expired: boolean;
  /**
   * keep: on the shelf for the patron; pull: expired, take it off the shelf and check it in here
   * (the checkin sends it to the next hold or back to its shelf)
   */
  action: 'keep' | 'pull';
}

export interface HoldShelf {
  branch: string;
  items: HoldShelfEntry[];
  total: number;
  expired: number;
  limit: number;
  offset: number;
}

export interface PickListEntry {
  item: { agency: string; barcode: string };
  title: string;
  recordId: string;
  shelfLocation: string | null;
  clcCallNumber: string | null;
  /** the hold this copy would fill; checking it in at this branch traps it */
  hold: {
    id: string;
    patron: { agency: string; barcode: string };
    pickupBranch: string;
    placedAt: string;
    priority: number;
  };
}

export interface PickList {
  branch: string;
  items: PickListEntry[];
  /** titles with waiting holds that were examined (paged by limit/offset) */
  titlesExamined: number;
}

export interface HoldExpiryReport {
  /** waiting holds past their not-needed-after date */
  notNeededExpired: number;
  /** ready holds not collected by their pickup deadline */
  pickupExpired: number;
  /** of those, items set aside at once for the next hold in the queue */
  reassigned: number;
}

/** Event data of `events.loans.hold-*.v1` (hold-ready is the one a notifier sends a message for). */
export interface HoldEventData {
  holdId: string;
  patron: { agency: string; barcode: string };
  level: HoldLevel;
  recordId: string;
  title: string;
  pickupBranch: string;
  status: HoldStatus;
  item?: { agency: string; barcode: string };
  pickupDeadline?: string;
  pickupDeadlineDate?: string;
  endReason?: HoldEndReason;
  loanId?: string;
  /** how the hold was placed (`o2o`: an O2O order's copy, whose reader gets the order's notices instead) */
  channel?: CirculationChannel;
}
