import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '../common/api-doc';
import { BRANCH_CODE_PATTERN } from '../common/identity';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Statistics channels: where a transaction happened, as the library reports it. */
export const StatisticsChannels = ['desk', 'sip2', '24h', 'locker', 'o2o', 'partner'] as const;
export type StatisticsChannel = (typeof StatisticsChannels)[number];

/** The circulation actions counted (one immutable row each). */
export const StatisticsActions = [
  'checkout',
  'checkin',
  'renew',
  'hold_placed',
  'hold_filled',
  'fine_paid',
  'fine_waived',
  'card_issued',
  'o2o_order',
  'o2o_collected',
  'partner_loan',
] as const;
export type StatisticsAction = (typeof StatisticsActions)[number];

/** A range of library-local days, both ends included. */
export class DateRangeQueryDto {
  @ApiProperty({ example: '2026-01-01', description: 'first local day (LIBRARY_TIMEZONE), included' })
  @Matches(DATE, { message: 'from must be YYYY-MM-DD' })
  from: string;

  @ApiProperty({ example: '2026-12-31', description: 'last local day, included' })
  @Matches(DATE, { message: 'to must be YYYY-MM-DD' })
  to: string;
}

export class CirculationReportQueryDto extends DateRangeQueryDto {
  @ApiPropertyOptional({ example: 'KSL-MAIN', description: 'only this branch' })
  @IsOptional()
  @Matches(BRANCH_CODE_PATTERN)
  branch?: string;

  @ApiPropertyOptional({ enum: StatisticsActions, description: 'only this action (default: all)' })
  @IsOptional()
  @IsIn(StatisticsActions)
  action?: StatisticsAction;
}

export class HeatmapQueryDto extends DateRangeQueryDto {
  @ApiPropertyOptional({ example: 'KSL-MAIN' })
  @IsOptional()
  @Matches(BRANCH_CODE_PATTERN)
  branch?: string;

  @ApiPropertyOptional({ enum: StatisticsActions, default: 'checkout' })
  @IsOptional()
  @IsIn(StatisticsActions)
  action?: StatisticsAction;
}

export class AnnualReportQueryDto {
  @ApiProperty({ example: 2026 })
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  year: number;
}

export class BackfillDto {
  @ApiPropertyOptional({
    description: 'loans checked out from this instant (default: all history)',
    example: '2025-01-01T00:00:00Z',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  since?: string;
}

export interface ReportColumn {
  key: string;
  label: string;
}

/** Every tabular report has this shape, so it exports to CSV and XLSX the same way. */
export interface ReportTable {
  title: string;
  columns: ReportColumn[];
  rows: Record<string, string | number | null>[];
}

export interface HeatmapReport extends ReportTable {
  /** counts[isoWeekday - 1][hour]: Monday first, local hours 0-23 */
  counts: number[][];
  total: number;
}

export interface AnnualReport {
  year: number;
  /** the annual report table in the seed's shape (rows: indicator, value, unit, note) */
  table: ReportTable;
  /** evaluation indicators (评估定级) with their configured targets */
  indicators: ReportTable;
  /** loans per branch (checkouts in the year, by the branch where they happened) */
  branches: ReportTable;
}

export interface BackfillReport {
  loansRead: number;
  rowsInserted: number;
  pages: number;
}

/* loans.history.v1: the loans history, oldest first, by keyset */
export class LoanHistoryQueryDto {
  @ApiPropertyOptional({ description: "continue after this loan (the previous page's `next`)" })
  @IsOptional()
  @IsString()
  @MaxLength(80)
  after?: string;

  @ApiPropertyOptional({ description: 'loans checked out from this instant' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  since?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 2000, default: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2000)
  limit?: number;
}

export interface LoanHistoryRow {
  loanId: string;
  patron: { agency: string; barcode: string };
  patronType: string;
  item: { agency: string; barcode: string };
  itemType: string;
  owningBranch: string;
  checkoutBranch: string;
  channel: string;
  checkedOutAt: string;
  renewals: number;
  lastRenewedAt: string | null;
  returnedAt: string | null;
  returnBranch: string | null;
  returnChannel: string | null;
}

export interface LoanHistoryPage {
  items: LoanHistoryRow[];
  /** cursor for the next page; null at the end */
  next: string | null;
}
