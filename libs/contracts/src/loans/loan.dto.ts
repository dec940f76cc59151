import { ApiProperty, ApiPropertyOptional } from '../common/api-doc';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { DeadlineProperty, IdempotencyKeyProperty, PLAIN_DATE } from './field.dto';
import { BRANCH_CODE_PATTERN } from '../common/identity';
import { ItemRefDto } from '../catalog/catalog.dto';
import { PatronRefDto, PIN_ORIGIN_PATTERN } from '../patrons/patron.dto';
import type { CheckinHoldInfo } from './holds.dto';
import { LongPageQueryDto } from '../common/page.dto';
import { NestedRef } from '../common/nested-ref.decorator';
import { CirculationChannel, CirculationChannels } from './circulation-channel';

// a mixin's constructor must take `any[]` (TS2545)
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the mixin signature TypeScript requires
type DtoClass = new (...args: any[]) => object;

/**
 * What checkout and renewal share: the channel, the offline (no-block) fields and exactly-once
 * (idempotency key, deadline), declared once so a new field cannot reach one command and miss the
 * other. A mixin rather than a base class so the shared fields come after each command's own fields
 * (validation and OpenAPI follow the prototype chain; the document keeps its field order).
 */
export function WithLoanWriteFields<TBase extends DtoClass>(Base: TBase) {
  abstract class LoanWriteFields extends Base {
    @ApiPropertyOptional({ enum: CirculationChannels, default: 'api' })
    @IsOptional()
    @IsIn(CirculationChannels)
    channel?: CirculationChannel;

    @ApiPropertyOptional({
      default: false,
      description:
        'offline/no-block (SIP2 no-block Y, staff upload): applied without the live blocks; conflicts go on the exceptions list',
    })
    @IsOptional()
    @IsBoolean()
    noBlock?: boolean;

    @ApiPropertyOptional({
      example: '2026-12-01T09:30:00+08:00',
      description: 'when the terminal did it (no-block); at most OFFLINE_MAX_DAYS_BACK days back, never in the future',
    })
    @IsOptional()
    @IsISO8601({ strict: true })
    transactionAt?: string;

    @ApiPropertyOptional({
      example: '2026-12-31',
      description: 'the due day the terminal gave (no-block); else computed from transactionAt',
    })
    @IsOptional()
    @Matches(PLAIN_DATE, { message: 'dueDate must be YYYY-MM-DD' })
    dueDate?: string;

    @IdempotencyKeyProperty()
    idempotencyKey?: string;

    @DeadlineProperty()
    deadline?: string;
  }
  return LoanWriteFields;
}

/** The command's own fields; CheckoutDto adds the shared ones (WithLoanWriteFields). */
class CheckoutFields {
  @NestedRef(PatronRefDto)
  patron: PatronRefDto;

  @NestedRef(ItemRefDto)
  item: ItemRefDto;

  @ApiProperty({ example: 'KSL-MAIN', description: 'branch where the checkout happens' })
  @Matches(BRANCH_CODE_PATTERN)
  branch: string;

  @ApiPropertyOptional({
    example: 'KSL-MAIN',
    description: 'where the item is expected back (default: the checkout branch); its calendar sets the due day',
  })
  @IsOptional()
  @Matches(BRANCH_CODE_PATTERN)
  returnBranch?: string;

  @ApiPropertyOptional({ description: 'when given, the PIN is verified before the checkout' })
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
}

export class CheckoutDto extends WithLoanWriteFields(CheckoutFields) {}

export class CheckinDto {
  @NestedRef(ItemRefDto)
  item: ItemRefDto;

  @ApiProperty({ example: 'KSL-ZS', description: 'branch, 24-hour library or locker where the item is returned' })
  @Matches(BRANCH_CODE_PATTERN)
  branch: string;

  @ApiPropertyOptional({ enum: CirculationChannels, default: 'api' })
  @IsOptional()
  @IsIn(CirculationChannels)
  channel?: CirculationChannel;

  @ApiPropertyOptional({
    example: '2026-12-01T22:10:00+08:00',
    description:
      'when the item was really returned (book drop, offline, SIP2 09 return date): the loan closes and fines are computed as of then',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  returnedAt?: string;

  @ApiPropertyOptional({ default: false, description: 'offline/no-block (SIP2 no-block Y, staff upload)' })
  @IsOptional()
  @IsBoolean()
  noBlock?: boolean;

  @ApiPropertyOptional({
    default: true,
    description:
      'false: a waiting hold does not trap the copy here (book drops without a hold shelf; SIP2 terminal profile)',
  })
  @IsOptional()
  @IsBoolean()
  trapHolds?: boolean;

  @IdempotencyKeyProperty()
  idempotencyKey?: string;

  @DeadlineProperty()
  deadline?: string;
}

/** The command's own fields; RenewDto adds the shared ones (WithLoanWriteFields). */
class RenewFields {
  @NestedRef(PatronRefDto)
  patron: PatronRefDto;

  @NestedRef(ItemRefDto)
  item: ItemRefDto;

  @ApiPropertyOptional({ example: 'KSL-MAIN' })
  @IsOptional()
  @Matches(BRANCH_CODE_PATTERN)
  branch?: string;
}

export class RenewDto extends WithLoanWriteFields(RenewFields) {}
/**
 * `loans.recall.v1`: the item's owner wants it back (an interlibrary partner's RecallItem): the open
 * loan becomes due `recallDays` from today (moved to the next open day of the branch it is due back at),
 * never later than it already is, and `events.loans.loan-recalled.v1` tells the reader's notifier.
 */
export class RecallLoanDto {
  @NestedRef(ItemRefDto)
  item: ItemRefDto;

  @ApiProperty({ example: 7, description: 'days from today the reader has to bring it back (the recall period)' })
  @IsInt()
  @Min(0)
  @Max(365)
  recallDays: number;

  @ApiPropertyOptional({ example: 'KSL-MAIN', description: 'where the recall was recorded (event branch)' })
  @IsOptional()
  @Matches(BRANCH_CODE_PATTERN)
  branch?: string;

  @ApiPropertyOptional({ enum: CirculationChannels, default: 'api' })
  @IsOptional()
  @IsIn(CirculationChannels)
  channel?: CirculationChannel;

  @IdempotencyKeyProperty()
  idempotencyKey?: string;

  @DeadlineProperty()
  deadline?: string;
}

export interface RecallResult {
  loan: LoanView;
  /** the due date before the recall */
  previousDueAt: string;
  /** false: it was already due on or before the recall date (unchanged, the reader is still told) */
  shortened: boolean;
}

export const LoanListStatuses = ['open', 'closed', 'all'] as const;

export class PatronLoansDto extends LongPageQueryDto {
  @NestedRef(PatronRefDto)
  patron: PatronRefDto;

  @ApiPropertyOptional({ enum: LoanListStatuses, default: 'open' })
  @IsOptional()
  @IsIn(LoanListStatuses)
  status?: (typeof LoanListStatuses)[number];
}

export class PatronSummaryDto {
  @NestedRef(PatronRefDto)
  patron: PatronRefDto;
}

export interface LoanView {
  id: string;
  patron: { agency: string; barcode: string };
  item: { agency: string; barcode: string };
  title: string;
  itemType: string;
  checkoutBranch: string;
  channel: CirculationChannel;
  checkedOutAt: string;
  /** the moment the loan is due, UTC ISO-8601 (end of the due day in the library time zone) */
  dueAt: string;
  /** the due day in the library time zone, YYYY-MM-DD: what is printed on the receipt */
  dueDate: string;
  renewals: number;
  returnedAt: string | null;
  returnBranch: string | null;
  status: 'open' | 'closed';
  overdue: boolean;
  /** the branch whose calendar set the due day (present when it differs from the checkout branch) */
  dueBranch?: string;
  /** closed as lost at this instant (present only for lost loans) */
  lostAt?: string;
  /** the patron said it was returned (no fines after this); present only when flagged */
  claimedReturnedAt?: string;
}

export interface CheckoutResult {
  loan: LoanView;
  /** the rule that set the due date, so staff can see why */
  rule: { id: string; loanDays: number; maxItems: number; maxRenewals: number };
  /** offline/no-block: conflicts applied anyway and put on the staff exceptions list */
  exceptions?: { id: string; reason: string }[];
}

export interface CheckinResult {
  /** false when the item was not on loan: still answered, not an error */
  wasOnLoan: boolean;
  loan: LoanView | null;
  item: { agency: string; barcode: string; title: string; homeBranch: string; itemType: string };
  /** where the item should go next: its home branch, or stays here */
  destination: string;
  /** true when the item must travel (returned away from its destination) */
  transit: boolean;
  /**
   * 'overdue', 'item_<status>' (lost, missing …), 'hold_shelf' (put it on the hold shelf here),
   * 'hold_transit' (send it to another branch for a hold)
   */
  alerts: string[];
  /** set when the item was set aside for a hold (now, or by an earlier checkin): SIP2 10 alert + sort bin */
  hold?: CheckinHoldInfo | null;
  /** sort bin / route code: HOLDS for the hold shelf here, the destination code for a transit, else null */
  sortBin?: string | null;
  /** the open transit this item is now in, when it must travel */
  transitId?: string | null;
  /** the overdue fine charged with this return (see docs/circulation.md) */
  fine?: { id: string; amountFen: number; chargeableDays: number | null };
  /** offline/no-block or back-dated: conflicts put on the staff exceptions list */
  exceptions?: { id: string; reason: string }[];
}

export interface RenewResult {
  loan: LoanView;
  /** offline/no-block: refusals a live renewal would have given, applied anyway and put on the staff exceptions list */
  exceptions?: { id: string; reason: string }[];
}

export interface PatronSummary {
  patron: { agency: string; barcode: string };
  openLoans: number;
  overdueLoans: number;
  holds: number;
  finesFen: number;
}
