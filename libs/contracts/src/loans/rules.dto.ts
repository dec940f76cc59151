import { ApiProperty, ApiPropertyOptional, PickType } from '../common/api-doc';
import { IsBoolean, IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { ItemTypes } from '../catalog/catalog.dto';
import { PatronTypes } from '../patrons/patron.dto';
import { CheckoutDto } from './loan.dto';

/** '*' matches anything in a rule key. */
export const RULE_WILDCARD = '*';

/** A rule id is a short slug staff can read in receipts and logs: `ksl-main-child-av`. */
export const RULE_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** A rule scope: '*' (whole network), an owning agency ISIL, or an owning branch code. */
export const RULE_SCOPE_PATTERN = /^(\*|[A-Za-z0-9:/_-]{1,32})$/;

const MAX_FEN = 10_000_000; // 100 000 yuan: anything above is a typo

/**
 * One row of the circulation policy matrix (`loans.rules.upsert.v1`). Keyed by (scope, patronType,
 * itemType), each of which may be '*'; see docs/circulation.md for the precedence. Money is integer fen.
 */
export class UpsertLoanRuleDto {
  @ApiProperty({
    example: 'ksl-main-child-av',
    description: 'stable id (slug); upserting an existing id replaces that rule',
  })
  @Matches(RULE_ID_PATTERN, { message: 'id must be a lower-case slug (a-z, 0-9, - and _), at most 64 characters' })
  id: string;

  @ApiProperty({
    example: 'KSL-MAIN',
    description: "owning branch code, owning agency ISIL, or '*' for the whole network",
  })
  @Matches(RULE_SCOPE_PATTERN, { message: "scope must be '*', an agency ISIL or a branch code" })
  scope: string;

  @ApiProperty({ example: 'child', enum: [RULE_WILDCARD, ...PatronTypes] })
  @IsIn([RULE_WILDCARD, ...PatronTypes])
  patronType: string;

  @ApiProperty({ example: 'audiovisual', enum: [RULE_WILDCARD, ...ItemTypes] })
  @IsIn([RULE_WILDCARD, ...ItemTypes])
  itemType: string;

  @ApiProperty({ example: 30, description: 'loan period in days' })
  @IsInt()
  @Min(1)
  @Max(366)
  loanDays: number;

  @ApiProperty({ example: 1, description: 'how many times a loan may be renewed' })
  @IsInt()
  @Min(0)
  @Max(99)
  maxRenewals: number;

  @ApiProperty({ example: 30, description: 'each renewal: due this many days after the day of renewal' })
  @IsInt()
  @Min(1)
  @Max(366)
  renewalDays: number;

  @ApiProperty({ example: 20, description: 'most items a patron may have out overall (all owners)' })
  @IsInt()
  @Min(0)
  @Max(1000)
  maxItems: number;

  @ApiPropertyOptional({
    example: 10,
    nullable: true,
    description: 'most items a patron may have out that belong to the same owning branch; null: no per-branch limit',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1000)
  maxItemsPerBranch?: number | null;

  @ApiPropertyOptional({ default: true, description: 'whether patrons may place holds on such items' })
  @IsOptional()
  @IsBoolean()
  holdsAllowed?: boolean;

  @ApiPropertyOptional({ default: 0, example: 10, description: 'overdue fine per chargeable (open) day, fen' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_FEN)
  finePerDayFen?: number;

  @ApiPropertyOptional({
    default: 0,
    example: 3000,
    description: 'most a single loan can be fined for being overdue, fen (0 with a per-day fine: no cap)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_FEN)
  fineCapFen?: number;

  @ApiPropertyOptional({
    default: 0,
    example: 3,
    description: 'chargeable days forgiven: returned within them, no fine; later, every chargeable day is fined',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(365)
  graceDays?: number;

  @ApiPropertyOptional({
    example: 1000,
    nullable: true,
    description: "outstanding fines (fen) at or above which the patron gets the 'fines' block; null: never",
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_FEN)
  fineBlockThresholdFen?: number | null;

  @ApiPropertyOptional({
    default: 5000,
    example: 5000,
    description: 'replacement fee charged for a lost item without a catalog price, fen',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_FEN)
  lostItemFeeFen?: number;

  @ApiPropertyOptional({
    example: 7,
    nullable: true,
    description:
      'renewals only within this many days before the due day (RENEWAL_TOO_SOON before); null (default): any time',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(366)
  renewWithinDays?: number | null;
}

export class LoanRuleIdDto {
  @ApiProperty({ example: 'ksl-main-child-av' })
  @Matches(RULE_ID_PATTERN, { message: 'id must be a lower-case slug' })
  id: string;
}

export class ListLoanRulesDto {
  @ApiPropertyOptional({ description: 'only rules with this scope' })
  @IsOptional()
  @Matches(RULE_SCOPE_PATTERN)
  scope?: string;
}

/** `loans.rules.dry-run.v1`: what would happen if `patron` borrowed `item` at `branch` (now, or at `at`). */
export class LoanDryRunDto extends PickType(CheckoutDto, ['patron', 'item', 'branch', 'returnBranch'] as const) {
  @ApiPropertyOptional({
    example: '2026-12-01T02:00:00Z',
    description: 'pretend the checkout happens at this instant (default: now)',
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/, {
    message: 'at must be an ISO-8601 instant with a zone',
  })
  at?: string;
}

/** A rule as listed and as reported by checkouts and dry runs. */
export interface LoanRuleView {
  id: string;
  scope: string;
  patronType: string;
  itemType: string;
  loanDays: number;
  maxRenewals: number;
  renewalDays: number;
  maxItems: number;
  maxItemsPerBranch: number | null;
  holdsAllowed: boolean;
  finePerDayFen: number;
  fineCapFen: number;
  graceDays: number;
  fineBlockThresholdFen: number | null;
  lostItemFeeFen: number;
  renewWithinDays: number | null;
  updatedAt?: string;
}

export interface LoanDryRunResult {
  /** 'allowed', or the ErrorCode a real checkout would refuse with */
  outcome: 'allowed' | string;
  message: string | null;
  /** the rule that matched (null when the refusal came before a rule was looked up) */
  rule: LoanRuleView | null;
  /** the due day and moment the loan would get (null when refused before a rule was found) */
  dueDate: string | null;
  dueAt: string | null;
  /** the branch whose calendar set the due day, and whether it moved off a closed day */
  dueBranch: string | null;
  dueDateMoved: boolean;
  limits: {
    openLoans: number;
    maxItems: number;
    openFromOwningBranch: number;
    maxItemsPerBranch: number | null;
  } | null;
}

export interface DeleteLoanRuleResult {
  id: string;
  deleted: boolean;
}
