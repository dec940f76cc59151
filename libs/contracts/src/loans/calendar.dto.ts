import { ApiProperty, ApiPropertyOptional } from '../common/api-doc';
import { Type } from 'class-transformer';
import { IsDateString, IsIn, IsOptional, IsString, IsUUID, Length, Matches, ValidateNested } from 'class-validator';
import { BRANCH_CODE_PATTERN } from '../common/identity';
import { PLAIN_DATE_PATTERN } from '../patrons/patron.dto';

/** Calendar for the whole network: used by branches that have none of their own. */
export const NETWORK_CALENDAR = '*';
export const CALENDAR_BRANCH_PATTERN = /^(\*|[A-Z0-9][A-Z0-9_-]{0,31})$/;

export const Weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof Weekdays)[number];

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

export class OpeningHoursDto {
  @ApiProperty({ example: '09:00' })
  @Matches(HH_MM, { message: 'open must be HH:MM' })
  open: string;

  @ApiProperty({ example: '21:00' })
  @Matches(HH_MM, { message: 'close must be HH:MM (24:00 allowed)' })
  close: string;
}

/** Opening hours per weekday; a missing or null day is closed all day. */
export class WeeklyHoursDto {
  @ApiPropertyOptional({ type: OpeningHoursDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => OpeningHoursDto)
  mon?: OpeningHoursDto | null;

  @ApiPropertyOptional({ type: OpeningHoursDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => OpeningHoursDto)
  tue?: OpeningHoursDto | null;

  @ApiPropertyOptional({ type: OpeningHoursDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => OpeningHoursDto)
  wed?: OpeningHoursDto | null;

  @ApiPropertyOptional({ type: OpeningHoursDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => OpeningHoursDto)
  thu?: OpeningHoursDto | null;

  @ApiPropertyOptional({ type: OpeningHoursDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => OpeningHoursDto)
  fri?: OpeningHoursDto | null;

  @ApiPropertyOptional({ type: OpeningHoursDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => OpeningHoursDto)
  sat?: OpeningHoursDto | null;

  @ApiPropertyOptional({ type: OpeningHoursDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => OpeningHoursDto)
  sun?: OpeningHoursDto | null;
}

/** `loans.calendars.upsert.v1`: a branch's weekly opening hours ('*' = the network default). */
export class UpsertCalendarDto {
  @ApiProperty({ example: 'KSL-ZS', description: "branch code, or '*' for the network default calendar" })
  @Matches(CALENDAR_BRANCH_PATTERN, { message: "branch must be a branch code or '*'" })
  branch: string;

  @ApiProperty({ type: WeeklyHoursDto })
  @ValidateNested()
  @Type(() => WeeklyHoursDto)
  weeklyHours: WeeklyHoursDto;
}

export class CalendarBranchDto {
  @ApiProperty({ example: 'KSL-ZS' })
  @Matches(CALENDAR_BRANCH_PATTERN, { message: "branch must be a branch code or '*'" })
  branch: string;
}

export const ClosureKinds = ['closure', 'holiday'] as const;
export type ClosureKind = (typeof ClosureKinds)[number];

/**
 * `loans.closures.create.v1`: close one branch (or the whole network when `branch` is omitted) from
 * `from` to `to` inclusive. Open loans due inside move to the next open day after it, in one
 * transaction, and the days are not fined. A `holiday` does not close 24-hour libraries or lockers.
 */
export class CreateClosureDto {
  @ApiPropertyOptional({ example: 'KSL-ZS', description: 'omit to close the whole network' })
  @IsOptional()
  @Matches(BRANCH_CODE_PATTERN)
  branch?: string;

  @ApiProperty({ example: '2026-12-01', description: 'first closed day (library time zone), YYYY-MM-DD' })
  @IsDateString({ strict: true })
  @Matches(PLAIN_DATE_PATTERN, { message: 'from must be YYYY-MM-DD' })
  from: string;

  @ApiProperty({ example: '2026-12-07', description: 'last closed day, inclusive' })
  @IsDateString({ strict: true })
  @Matches(PLAIN_DATE_PATTERN, { message: 'to must be YYYY-MM-DD' })
  to: string;

  @ApiPropertyOptional({ enum: ClosureKinds, default: 'closure' })
  @IsOptional()
  @IsIn(ClosureKinds)
  kind?: ClosureKind;

  @ApiProperty({ example: '设备检修 (maintenance)' })
  @IsString()
  @Length(1, 255)
  reason: string;
}

export class ListClosuresDto {
  @ApiPropertyOptional({
    example: 'KSL-ZS',
    description: 'closures that apply to this branch (its own and network-wide)',
  })
  @IsOptional()
  @Matches(BRANCH_CODE_PATTERN)
  branch?: string;

  @ApiPropertyOptional({ example: '2026-01-01', description: 'only closures ending on or after this day' })
  @IsOptional()
  @IsDateString({ strict: true }, { message: 'from must be a real calendar date YYYY-MM-DD' })
  @Matches(PLAIN_DATE_PATTERN)
  from?: string;
}

export class ClosureIdDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id: string;
}

export interface ClosureView {
  id: string;
  /** null: the whole network */
  branch: string | null;
  from: string;
  to: string;
  kind: ClosureKind;
  reason: string;
  loansMoved: number;
  createdAt: string;
}

export interface ClosureReport {
  closure: ClosureView;
  /** open loans whose due day fell inside the closure and moved */
  loansMoved: number;
  /** per due branch: where the loans moved to */
  moves: { dueBranch: string; newDueDate: string; loans: number }[];
  tookMs: number;
}

export interface CalendarView {
  branch: string;
  /** from the catalog; 24-hour libraries and lockers are always open (closures still apply) */
  branchKind: string | null;
  alwaysOpen: boolean;
  /** where the weekly hours come from: the branch's own row, the network default, or none (always open) */
  source: 'branch' | 'network' | 'none';
  weeklyHours: Partial<Record<Weekday, { open: string; close: string } | null>>;
  /** closures and holidays that apply to the branch, from today on */
  closures: ClosureView[];
}

/** Caches every loans replica keeps (loans.cache-invalidated.v1). */
export type CacheTopic = 'rules' | 'calendars' | 'branches';

/** The broadcast that tells the other loans replicas to drop a cache. */
export interface CacheInvalidatedData {
  topic: CacheTopic;
  /** the replica that sent it (it already dropped its own cache) */
  from: string;
}
