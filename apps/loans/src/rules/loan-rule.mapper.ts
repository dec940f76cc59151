import type { LoanRuleView } from '@app/contracts';
import type { LoanRule } from './loan-rule';

export const toLoanRuleView = (r: LoanRule & { updatedAt?: Date }): LoanRuleView => ({
  id: r.id,
  scope: r.scope,
  patronType: r.patronType,
  itemType: r.itemType,
  loanDays: r.loanDays,
  maxRenewals: r.maxRenewals,
  renewalDays: r.renewalDays,
  maxItems: r.maxItems,
  maxItemsPerBranch: r.maxItemsPerBranch,
  holdsAllowed: r.holdsAllowed,
  finePerDayFen: r.finePerDayFen,
  fineCapFen: r.fineCapFen,
  graceDays: r.graceDays,
  fineBlockThresholdFen: r.fineBlockThresholdFen,
  lostItemFeeFen: r.lostItemFeeFen,
  renewWithinDays: r.renewWithinDays ?? null,
  ...(r.updatedAt ? { updatedAt: new Date(r.updatedAt).toISOString() } : {}),
});
