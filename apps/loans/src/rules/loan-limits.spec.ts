import { ErrorCode } from '@app/contracts';
import { LoanRule, RULE_DEFAULTS } from './loan-rule';
import { renewalRefusal } from './loan-limits';

const rule: LoanRule = {
  ...RULE_DEFAULTS,
  id: 'r1',
  scope: '*',
  patronType: '*',
  itemType: '*',
  loanDays: 30,
  maxItems: 20,
  renewalDays: 30,
  maxRenewals: 2,
};

describe('renewalRefusal', () => {
  it('allows a renewal while the loan is under the rule limit', () => {
    expect(renewalRefusal(rule, 0)).toBeNull();
    expect(renewalRefusal(rule, 1)).toBeNull();
  });

  it('refuses at the limit with the counts and the rule id', () => {
    expect(renewalRefusal(rule, 2)).toEqual({
      code: ErrorCode.RenewalLimitReached,
      message: 'loan already renewed 2 time(s) (limit 2)',
      details: { renewals: 2, maxRenewals: 2, ruleId: 'r1' },
    });
  });

  it('refuses every renewal when the rule allows none', () => {
    expect(renewalRefusal({ ...rule, maxRenewals: 0 }, 0)?.code).toBe(ErrorCode.RenewalLimitReached);
  });
});
