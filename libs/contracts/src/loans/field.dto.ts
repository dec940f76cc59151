import { ApiProperty, ApiPropertyOptional } from '../common/api-doc';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { ItemRefDto } from '../catalog/catalog.dto';
import { BRANCH_CODE_PATTERN, ISIL_PATTERN } from '../common/identity';
import { PatronRefDto } from '../patrons/patron.dto';
import { NestedRef } from '../common/nested-ref.decorator';
import { LongPageQueryDto } from '../common/page.dto';

/**
 * Exactly-once circulation writes (docs/circulation.md, "Exactly once"). Every write command may carry
 * an idempotency key from its origin (SIP2 terminal transaction, HTTP `Idempotency-Key`, NCIP partner
 * request id) and a deadline; the loans service stores the key with the outcome in the transaction
 * of the change, answers a repeated key with the stored outcome, and never commits past the deadline.
 */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;
export const PLAIN_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Stamp for a write DTO: `idempotencyKey` and `deadline` (each write DTO declares both with the decorators below). */
export interface CirculationWriteFields {
  idempotencyKey?: string;
  deadline?: string;
}

const compose =
  (...decorators: PropertyDecorator[]): PropertyDecorator =>
  (target, key) => {
    for (const d of decorators) d(target, key);
  };

/** `idempotencyKey` of a write command: the same key answers the first outcome again. */
export const IdempotencyKeyProperty = (): PropertyDecorator =>
  compose(
    ApiPropertyOptional({
      example: 'http:3f2a…:order-7731',
      description:
        'makes the write safe to retry: the same key answers the first outcome again (SIP2 terminal transaction, HTTP Idempotency-Key, NCIP request id)',
    }),
    IsOptional(),
    Matches(IDEMPOTENCY_KEY_PATTERN, {
      message: 'idempotencyKey must be 1-200 printable ASCII characters without spaces',
    }),
  );

/** `deadline` of a write command: the loans service never commits it after this instant. */
export const DeadlineProperty = (): PropertyDecorator =>
  compose(
    ApiPropertyOptional({
      example: '2026-12-03T10:15:05.000Z',
      description: 'the caller stops waiting at this instant: the write is refused rather than committed after it',
    }),
    IsOptional(),
    IsISO8601({ strict: true }),
  );

/** `loans.idempotency.outcome.v1`: what became of the write with this key. */
export class IdempotencyOutcomeDto {
  @ApiProperty({ example: 'sip2:kiosk01:CN-320583-1-KSL:11:20261203T101500:P0000001:B0000001' })
  @Matches(IDEMPOTENCY_KEY_PATTERN)
  key: string;

  /**
   * true: the caller gives up on this write. If nothing is stored for the key, a tombstone is stored so
   * that the write can never commit later; if it was committed, it is undone (checkout) or put on the
   * exceptions list (other writes), and the answer says so.
   */
  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  abandon?: boolean;
}

export type IdempotencyState = 'committed' | 'unknown' | 'abandoned';

export interface IdempotencyOutcome {
  key: string;
  state: IdempotencyState;
  /** the stored reply of a committed write */
  reply?: unknown;
  /** abandon on a committed write: what was done about it */
  compensation?: 'undone' | 'exception_recorded' | null;
}

/** Kinds of transactions an offline batch (staff upload, SIP2 no-block) may hold. */
export const OfflineTransactionKinds = ['checkout', 'checkin', 'renew'] as const;
export type OfflineTransactionKind = (typeof OfflineTransactionKinds)[number];

/** One line of a staff offline upload (JSON; CSV columns of the same names, see docs/circulation.md). */
export class OfflineTransactionDto {
  @ApiProperty({ enum: OfflineTransactionKinds })
  @IsIn(OfflineTransactionKinds)
  kind: OfflineTransactionKind;

  @ApiProperty({ example: '2026-12-01T09:30:00+08:00', description: 'when the desk did it (ISO-8601 with offset)' })
  @IsISO8601({ strict: true })
  at: string;

  @NestedRef(ItemRefDto)
  item: ItemRefDto;

  @ApiPropertyOptional({ type: PatronRefDto, description: 'checkout and renew' })
  @IsOptional()
  @ValidateNested()
  @Type(() => PatronRefDto)
  patron?: PatronRefDto;

  @ApiPropertyOptional({
    example: '2026-12-31',
    description: 'due day the desk gave (checkout, renew); else computed from `at`',
  })
  @IsOptional()
  @Matches(PLAIN_DATE, { message: 'dueDate must be YYYY-MM-DD' })
  dueDate?: string;

  @ApiPropertyOptional({
    example: 'desk-12:000017',
    description: "the desk's own id of the line; makes re-uploading the batch safe",
  })
  @IsOptional()
  @IsString()
  @MaxLength(120)
  id?: string;
}

/** `loans.offline.upload.v1`: a batch replayed in time order (`at`), one result per line. */
export class OfflineUploadDto {
  @ApiProperty({ example: 'KSL-ZS', description: 'branch where the desk worked offline' })
  @Matches(BRANCH_CODE_PATTERN)
  branch: string;

  @ApiPropertyOptional({
    example: 'desk-12',
    description: 'who uploads (staff login or desk id), kept with the exceptions',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  uploadedBy?: string;

  @ApiProperty({ type: [OfflineTransactionDto] })
  @ArrayMinSize(1)
  @ArrayMaxSize(5000)
  @ValidateNested({ each: true })
  @Type(() => OfflineTransactionDto)
  transactions: OfflineTransactionDto[];
}

export type OfflineLineStatus = 'applied' | 'exception' | 'refused';

export interface OfflineLineResult {
  /** 0-based index of the line in the uploaded batch */
  line: number;
  id: string | null;
  kind: OfflineTransactionKind;
  at: string;
  status: OfflineLineStatus;
  /** applied with a conflict staff should see (also on the exceptions list), or why it was refused */
  code?: string;
  message?: string;
  exceptionId?: string;
  loan?: { id: string; dueDate: string } | null;
}

export interface OfflineUploadResult {
  branch: string;
  applied: number;
  exceptions: number;
  refused: number;
  /** in the order the lines were replayed (by `at`) */
  results: OfflineLineResult[];
}

export const CirculationExceptionReasons = [
  'item_on_loan_to_other',
  'item_lost',
  'card_lost',
  'patron_blocked',
  'card_expired',
  'too_many_items',
  'item_not_loanable',
  'item_held_for_other',
  'checkin_not_on_loan',
  'abandoned_after_commit',
] as const;
export type CirculationExceptionReason = (typeof CirculationExceptionReasons)[number];

export const CirculationExceptionStatuses = ['open', 'resolved', 'all'] as const;
export type CirculationExceptionStatus = (typeof CirculationExceptionStatuses)[number];

/** `loans.offline.exceptions.v1`: the staff list of offline/no-block transactions applied with a conflict. */
export class ListCirculationExceptionsDto extends LongPageQueryDto {
  @ApiPropertyOptional({ example: 'KSL-MAIN' })
  @IsOptional()
  @Matches(BRANCH_CODE_PATTERN)
  branch?: string;

  @ApiPropertyOptional({ enum: CirculationExceptionStatuses, default: 'open' })
  @IsOptional()
  @IsIn(CirculationExceptionStatuses)
  status?: CirculationExceptionStatus;

  @ApiPropertyOptional({
    default: false,
    description: 'deprecated: `status=all`; true lists resolved exceptions too when no `status` is given',
  })
  @IsOptional()
  @IsBoolean()
  includeResolved?: boolean;
}

/** `loans.offline.exceptions.resolve.v1`: staff dealt with an exception; who and why are kept with it. */
export class ResolveCirculationExceptionDto {
  @ApiProperty()
  @IsUUID()
  id: string;

  @ApiProperty({ example: 'called the reader, book returned to the desk', description: 'what staff did' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  note: string;

  @ApiProperty({ example: 'staff:desk-zs', description: 'who resolved it (the gateway: `staff:<API key name>`)' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  resolvedBy: string;
}

export interface CirculationExceptionView {
  id: string;
  reason: CirculationExceptionReason | string;
  kind: OfflineTransactionKind;
  source: 'sip2' | 'upload' | 'api' | 'ncip' | string;
  branch: string;
  item: { agency: string; barcode: string };
  patron: { agency: string; barcode: string } | null;
  /** when the terminal or desk says it happened */
  transactionAt: string;
  recordedAt: string;
  message: string;
  loanId: string | null;
  /** set when staff resolved it (loans.offline.exceptions.resolve.v1), with who and their note */
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolutionNote: string | null;
}

/** `loans.offline.policy.v1`: how far back an agency accepts offline transactions (SIP2 98). */
export class OfflinePolicyDto {
  @ApiProperty({ example: 'CN-320583-1-KSL' })
  @Matches(ISIL_PATTERN)
  agency: string;
}

export interface OfflinePolicyView {
  agency: string;
  /** offline transactions (no-block, back-dated returns) are accepted this many days back */
  maxDaysBack: number;
}

/** Bounds for `OfflinePolicyView.maxDaysBack` (env OFFLINE_MAX_DAYS_BACK). */
export const OFFLINE_MAX_DAYS_BACK_LIMIT = 365;

/**
 * `events.sip2.write-unresolved.v1` (Sip2WriteUnresolved): a caller refused a write to its terminal because it could
 * not learn the outcome in time; the loans service makes sure it is not (or no longer) in effect.
 */
export interface WriteUnresolvedEventData {
  key: string;
  /** the write's subject (loans.checkout.v1 …) */
  subject: string;
  /** who refused it (a SIP2 terminal login, a gateway) */
  origin: string;
  refusedAt: string;
}
