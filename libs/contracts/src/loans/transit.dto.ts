import { ApiProperty, ApiPropertyOptional } from '../common/api-doc';
import { IsBoolean, IsIn, IsOptional, Matches } from 'class-validator';
import { ItemRefDto, ItemType, ItemTypes } from '../catalog/catalog.dto';
import { BRANCH_CODE_PATTERN, ISIL_PATTERN } from '../common/identity';
import { CirculationChannel, CirculationChannels } from './circulation-channel';
import { LongPageQueryDto } from '../common/page.dto';
import { NestedRef } from '../common/nested-ref.decorator';

/*
 * Return anywhere: an item may be checked in at any branch, 24-hour library or locker of its
 * agency. Where it goes next: the pickup branch of a hold it fills; otherwise its home branch,
 * unless its item type floats in that agency (then it stays where it was returned). Every move
 * between branches is a transit, received by a checkin at the destination.
 */
export const TransitReasons = ['home', 'hold'] as const;
export type TransitReason = (typeof TransitReasons)[number];

export const TransitStatuses = ['open', 'received', 'cancelled'] as const;
export type TransitStatus = (typeof TransitStatuses)[number];

export const TransitDirections = ['incoming', 'outgoing', 'both'] as const;
export type TransitDirection = (typeof TransitDirections)[number];

/** `loans.transits.list.v1` */
export class ListTransitsDto extends LongPageQueryDto {
  @ApiPropertyOptional({ example: 'KSL-MAIN', description: 'only transits to/from this branch' })
  @IsOptional()
  @Matches(BRANCH_CODE_PATTERN)
  branch?: string;

  @ApiPropertyOptional({
    enum: TransitDirections,
    default: 'both',
    description: 'with branch: incoming (to it), outgoing (from it) or both',
  })
  @IsOptional()
  @IsIn(TransitDirections)
  direction?: TransitDirection;

  @ApiPropertyOptional({ enum: [...TransitStatuses, 'all'], default: 'open' })
  @IsOptional()
  @IsIn([...TransitStatuses, 'all'])
  status?: TransitStatus | 'all';
}

/** `loans.transits.receive.v1`: the item arrived at `branch` (the same as a checkin there). */
export class ReceiveTransitDto {
  @NestedRef(ItemRefDto)
  item: ItemRefDto;

  @ApiProperty({ example: 'KSL-ZS' })
  @Matches(BRANCH_CODE_PATTERN)
  branch: string;

  @ApiPropertyOptional({ enum: CirculationChannels, default: 'api' })
  @IsOptional()
  @IsIn(CirculationChannels)
  channel?: CirculationChannel;
}

/** `loans.transits.floating-rules.upsert.v1`: whether items of a type stay where they are returned. */
export class UpsertFloatingRuleDto {
  @ApiProperty({ example: 'CN-320583-1-KSL', description: 'owning agency ISIL, or * for every agency' })
  @Matches(new RegExp(`^(\\*|${ISIL_PATTERN.source.slice(1, -1)})$`), { message: 'agency must be an ISIL or *' })
  agency: string;

  @ApiProperty({ enum: ItemTypes })
  @IsIn(ItemTypes)
  itemType: ItemType;

  @ApiProperty({ description: 'true: stays where returned; false: goes back to its home branch' })
  @IsBoolean()
  floats: boolean;
}

/** `loans.transits.floating-rules.list.v1`: no fields. */
export class ListFloatingRulesDto {}

export interface FloatingRuleView {
  agency: string;
  itemType: string;
  floats: boolean;
}

export interface TransitView {
  id: string;
  item: { agency: string; barcode: string };
  title: string;
  fromBranch: string;
  toBranch: string;
  reason: TransitReason;
  holdId: string | null;
  /** what to write on the transit slip / which sort bin: the destination code */
  routeCode: string;
  status: TransitStatus;
  sentAt: string;
  receivedAt: string | null;
  receivedBranch: string | null;
}

/** Event data of `events.loans.transit-started.v1` / `transit-received.v1`. */
export interface TransitEventData {
  transitId: string;
  item: { agency: string; barcode: string };
  fromBranch: string;
  toBranch: string;
  reason: TransitReason;
  holdId?: string;
  receivedBranch?: string;
}

/**
 * `events.loans.item-status-changed.v1`: the shelf state loans decided for an item that is not on
 * loan (after a checkin, a transit, a hold trap or expiry). The catalog mirrors it; `occurredAt`
 * orders it after the loan event of the same checkin.
 */
export interface ItemStatusEventData {
  item: { agency: string; barcode: string };
  status: 'available' | 'in_transit' | 'on_hold_shelf';
  /** where the item is now */
  location: string;
  /** where it is heading (in_transit) */
  destination?: string;
  holdId?: string;
  transitId?: string;
}
