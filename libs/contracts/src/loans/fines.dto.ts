import { ApiProperty, ApiPropertyOptional } from '../common/api-doc';
import { Type } from 'class-transformer';
import {
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
import { ItemRefDto } from '../catalog/catalog.dto';
import { BRANCH_CODE_PATTERN } from '../common/identity';
import { PatronRefDto } from '../patrons/patron.dto';
import { CirculationChannel, CirculationChannels } from './circulation-channel';
import type { LoanView } from './loan.dto';
import { LongPageQueryDto } from '../common/page.dto';
import { NestedRef } from '../common/nested-ref.decorator';
import { DeadlineProperty, IdempotencyKeyProperty } from './field.dto';

/** Why a fine was charged. */
export const FineKinds = ['overdue', 'lost_item'] as const;
export type FineKind = (typeof FineKinds)[number];

/** open: something is still owed; paid: settled with at least one payment; waived: settled by waivers only. */
export const FineStatuses = ['open', 'paid', 'waived'] as const;
export type FineStatus = (typeof FineStatuses)[number];

/**
 * How a payment was made. SIP2 37 (Fee Paid) payment types map as 00 → cash, 01 → card (VISA),
 * 02 → card (credit card); mobile payments (WeChat Pay, Alipay) come from desks and the O2O app.
 */
export const PaymentTypes = ['cash', 'card', 'wechat', 'alipay', 'unionpay', 'other'] as const;
export type PaymentType = (typeof PaymentTypes)[number];

export const FineListStatuses = ['open', 'closed', 'all'] as const;

/** `loans.fines.list.v1` (SIP2 63/64 fine items: status 'open'). */
export class ListFinesDto extends LongPageQueryDto {
  @NestedRef(PatronRefDto)
  patron: PatronRefDto;

  @ApiPropertyOptional({ enum: FineListStatuses, default: 'open' })
  @IsOptional()
  @IsIn(FineListStatuses)
  status?: (typeof FineListStatuses)[number];
}

/**
 * `loans.fines.pay.v1` (SIP2 37 Fee Paid). Without `fineId` the amount settles the patron's open
 * fines oldest first. `transactionId` makes the call idempotent: the same id for the same patron
 * answers the first result again (`replayed: true`) instead of charging twice.
 */
export class PayFinesDto {
  @NestedRef(PatronRefDto)
  patron: PatronRefDto;

  @ApiProperty({ example: 350, description: 'amount paid, fen; must not exceed what is owed' })
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  amountFen: number;

  @ApiProperty({ enum: PaymentTypes, example: 'wechat' })
  @IsIn(PaymentTypes)
  paymentType: PaymentType;

  @ApiPropertyOptional({
    example: 'WX20261201123456789',
    description: 'payment provider or SIP2 (BK) transaction id; makes retries safe',
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  transactionId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'pay this fine only (SIP2 CG fee identifier)' })
  @IsOptional()
  @IsUUID()
  fineId?: string;

  @ApiPropertyOptional({ example: 'KSL-MAIN' })
  @IsOptional()
  @Matches(BRANCH_CODE_PATTERN)
  branch?: string;

  @ApiPropertyOptional({ enum: CirculationChannels, default: 'api' })
  @IsOptional()
  @IsIn(CirculationChannels)
  channel?: CirculationChannel;

  @ApiPropertyOptional({ example: 'staff-0042', description: 'who took the payment' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  actor?: string;

  @IdempotencyKeyProperty()
  idempotencyKey?: string;

  @DeadlineProperty()
  deadline?: string;
}

/** `loans.fines.waive.v1`: forgive all (default) or part of one fine. */
export class WaiveFineDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  fineId: string;

  @ApiPropertyOptional({ example: 200, description: 'fen to forgive; default: everything still owed on the fine' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  amountFen?: number;

  @ApiProperty({ example: '闭馆期间归还 / returned during closure' })
  @IsString()
  @Length(1, 255)
  reason: string;

  @ApiPropertyOptional({ example: 'staff-0042' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  actor?: string;
}

/** `loans.mark-lost.v1`: the open loan closes as lost and a replacement fee is charged. */
export class MarkLostDto {
  @NestedRef(ItemRefDto)
  item: ItemRefDto;

  @ApiPropertyOptional({ type: PatronRefDto, description: 'when given, the open loan must be this patron’s' })
  @IsOptional()
  @ValidateNested()
  @Type(() => PatronRefDto)
  patron?: PatronRefDto;

  @ApiPropertyOptional({ example: 'KSL-MAIN' })
  @IsOptional()
  @Matches(BRANCH_CODE_PATTERN)
  branch?: string;

  @ApiPropertyOptional({ example: 'staff-0042' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  actor?: string;
}

/** `loans.claim-returned.v1`: the patron says it was returned; the loan is flagged and stops accruing fines. */
export class ClaimReturnedDto extends MarkLostDto {}

export interface FineView {
  id: string;
  patron: { agency: string; barcode: string };
  loanId: string | null;
  item: { agency: string; barcode: string } | null;
  title: string | null;
  kind: FineKind;
  status: FineStatus;
  amountFen: number;
  paidFen: number;
  waivedFen: number;
  outstandingFen: number;
  /** overdue fines: chargeable days counted */
  chargeableDays: number | null;
  note: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface FinesPage {
  items: FineView[];
  total: number;
  limit: number;
  offset: number;
  /** everything the patron still owes, all fines */
  outstandingFen: number;
}

export interface PayFinesResult {
  patron: { agency: string; barcode: string };
  paidFen: number;
  /** how the payment was spread over fines, oldest first */
  applied: { fineId: string; amountFen: number; outstandingFen: number; status: FineStatus }[];
  outstandingFen: number;
  transactionId: string | null;
  /** true when this transactionId was already recorded: nothing was charged again */
  replayed: boolean;
  /** the patron's 'fines' block after the payment (null when no threshold applies) */
  finesBlock: boolean | null;
}

export interface WaiveFineResult {
  fine: FineView;
  outstandingFen: number;
  finesBlock: boolean | null;
}

export interface MarkLostResult {
  loan: LoanView;
  /** the replacement fee, and the overdue fine up to today when the loan was overdue */
  fines: FineView[];
  outstandingFen: number;
}

export interface ClaimReturnedResult {
  loan: LoanView;
}

/**
 * `events.loans.fine-paid.v1` / `events.loans.fine-waived.v1`: one event per money movement on a fine
 * (a payment spread over several fines is one event per fine), published with the payment or waiver.
 * `fineTransactionId` is unique per movement: statistics counts each once, however often it is replayed.
 */
export interface FineSettledEventData {
  fineTransactionId: string;
  fineId: string;
  fineKind: FineKind;
  patron: { agency: string; barcode: string };
  /** the item the fine is for (absent for a fine without an item) */
  item: { agency: string; barcode: string } | null;
  loanId: string | null;
  /** integer fen moved by this transaction */
  amountFen: number;
  /** what is still owed on this fine after it */
  outstandingFen: number;
  /** payments only */
  paymentType: PaymentType | null;
  /** where it happened (a waiver from staff without a branch: null) */
  branch: string | null;
  channel: CirculationChannel | null;
}
