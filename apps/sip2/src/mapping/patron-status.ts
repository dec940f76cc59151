import { ErrorCode, type PatronSummary, type PatronView } from '@app/contracts';

/** Why a patron cannot circulate: the loans refusal code, or the automatic fines/overdue block by name. */
export type PatronRefusal =
  | ErrorCode.PatronUnknown
  | ErrorCode.CardLost
  | ErrorCode.PatronBlocked
  | ErrorCode.CardExpired
  | 'finesBlocked'
  | 'overdueBlocked';
import { formatPatronStatus, PatronStatusFlags, UNKNOWN_PATRON_STATUS } from '@app/sip2-protocol';

/** What we know about a patron's limits (BZ/CA/CB); undefined entries are not sent. */
export interface PatronLimits {
  chargedItems?: number;
  overdueItems?: number;
  holdItems?: number;
}

/** True when circulation must refuse this patron (any block, lost card, inactive or expired card). */
export function privilegesDenied(p: PatronView): boolean {
  return p.circulationBlocked || p.expired || p.status !== 'active' || p.blocks.length > 0;
}

/**
 * The 14-char patron status (Y = denied/true). Unknown patron: Evergreen's "YYYY" + 10 blanks.
 * Only facts we hold are reported: blocks, lost card, expiry; "too many items charged" only when a
 * limit is known.
 */
export function patronStatusFlags(
  p: PatronView,
  summary?: Pick<PatronSummary, 'openLoans' | 'overdueLoans'>,
  limits: PatronLimits = {},
): PatronStatusFlags {
  const denied = privilegesDenied(p);
  return {
    chargePrivilegesDenied: denied,
    renewalPrivilegesDenied: denied,
    recallPrivilegesDenied: denied,
    holdPrivilegesDenied: denied,
    cardReportedLost: p.blocks.includes('card_lost'),
    tooManyItemsCharged:
      limits.chargedItems !== undefined && summary !== undefined && summary.openLoans >= limits.chargedItems,
    tooManyItemsOverdue:
      p.blocks.includes('overdue') ||
      (limits.overdueItems !== undefined && summary !== undefined && summary.overdueLoans >= limits.overdueItems),
    excessiveOutstandingFines: p.blocks.includes('fines'),
  };
}

export function patronStatusString(
  p: PatronView | null,
  summary?: Pick<PatronSummary, 'openLoans' | 'overdueLoans'>,
  limits?: PatronLimits,
): string {
  return p ? formatPatronStatus(patronStatusFlags(p, summary, limits)) : UNKNOWN_PATRON_STATUS;
}

/** Limits are reported when the loans service exposes them on the summary (optional `maxItems`/`maxOverdue`). */
export function limitsFromSummary(summary: PatronSummary | undefined): PatronLimits {
  const s = summary as (PatronSummary & { maxItems?: unknown; maxOverdue?: unknown; maxHolds?: unknown }) | undefined;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  return { chargedItems: num(s?.maxItems), overdueItems: num(s?.maxOverdue), holdItems: num(s?.maxHolds) };
}

/** Why a patron cannot circulate, in the loans service's order (lost card first); null when they can. */
export function patronRefusalKey(p: PatronView | null): PatronRefusal | null {
  if (!p) return ErrorCode.PatronUnknown;
  if (p.blocks.includes('card_lost')) return ErrorCode.CardLost;
  if (p.status !== 'active' || p.blocks.some((b) => b !== 'fines' && b !== 'overdue')) return ErrorCode.PatronBlocked;
  // only the automatic blocks: say what lifts them (pay, return)
  if (p.blocks.includes('fines')) return 'finesBlocked';
  if (p.blocks.includes('overdue')) return 'overdueBlocked';
  if (p.expired) return ErrorCode.CardExpired;
  if (p.circulationBlocked) return ErrorCode.PatronBlocked;
  return null;
}
