import { ErrorCode } from '@app/contracts';
import type { Refusal } from './circulation-checks';
import type { LoanRule } from './loan-rule';
import { addDays } from '@app/time';

export interface OpenLoanCounts {
  /** all the patron's open loans */
  open: number;
  /** those owned by the branch that owns the item being lent */
  openFromOwningBranch: number;
}

/**
 * TOO_MANY_ITEMS when one more loan would pass the rule's overall or per-owning-branch limit. Both
 * limits come from the rule of the item being lent (the owner's rule), like the loan period.
 */
export function limitRefusal(
  rule: LoanRule,
  counts: OpenLoanCounts,
  owningBranch: string,
  who: string,
): Refusal | null {
  if (counts.open >= rule.maxItems) {
    return {
      code: ErrorCode.TooManyItems,
      message: `patron ${who} already has ${counts.open} items out (limit ${rule.maxItems})`,
      details: { openLoans: counts.open, maxItems: rule.maxItems, ruleId: rule.id },
    };
  }
  if (rule.maxItemsPerBranch !== null && counts.openFromOwningBranch >= rule.maxItemsPerBranch) {
    return {
      code: ErrorCode.TooManyItems,
      message: `patron ${who} already has ${counts.openFromOwningBranch} items of ${owningBranch} out (limit ${rule.maxItemsPerBranch})`,
      details: {
        openFromOwningBranch: counts.openFromOwningBranch,
        maxItemsPerBranch: rule.maxItemsPerBranch,
        owningBranch,
        ruleId: rule.id,
      },
    };
  }
  return null;
}

/**
 * RENEWAL_LIMIT_REACHED when the loan has been renewed as often as the rule of its item allows (the
 * rule the renewal resolves, like the new loan period).
 */
export function renewalRefusal(rule: LoanRule, renewals: number, dueDate?: string, today?: string): Refusal | null {
  if (renewals >= rule.maxRenewals) {
    return {
      code: ErrorCode.RenewalLimitReached,
      message: `loan already renewed ${renewals} time(s) (limit ${rule.maxRenewals})`,
      details: { renewals, maxRenewals: rule.maxRenewals, ruleId: rule.id },
    };
  }
  // "no renewal before N days before due": renewing right after checkout would use up a renewal for nothing
  if (
    rule.renewWithinDays !== undefined &&
    rule.renewWithinDays !== null &&
    dueDate !== undefined &&
    today !== undefined
  ) {
    const renewableFrom = addDays(dueDate, -rule.renewWithinDays);
    if (today < renewableFrom) {
      return {
        code: ErrorCode.RenewalTooSoon,
        message: `too soon to renew: due ${dueDate}, renewable from ${renewableFrom} (${rule.renewWithinDays} days before due)`,
        details: { dueDate, renewableFrom, renewWithinDays: rule.renewWithinDays, ruleId: rule.id },
      };
    }
  }
  return null;
}
