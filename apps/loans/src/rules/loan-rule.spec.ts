import { LoanRule, LoanRuleKey, pickLoanRule, RULE_DEFAULTS } from './loan-rule';

const rule = (
  id: string,
  scope: string,
  patronType: string,
  itemType: string,
  loanDays: number,
  maxItems = 20,
): LoanRule => ({
  ...RULE_DEFAULTS,
  id,
  scope,
  patronType,
  itemType,
  loanDays,
  maxItems,
  maxRenewals: 1,
  renewalDays: loanDays,
});

// the seeded defaults plus some local overrides
const rules: LoanRule[] = [
  rule('default', '*', '*', '*', 30),
  rule('children', '*', 'child', '*', 30, 15),
  rule('audiovisual', '*', '*', 'audiovisual', 14),
  rule('children-audiovisual', '*', 'child', 'audiovisual', 14, 15),
  rule('ksl-all', 'CN-320583-1-KSL', '*', '*', 28),
  rule('ksl-av', 'CN-320583-1-KSL', '*', 'audiovisual', 7),
  rule('zs-all', 'KSL-ZS', '*', '*', 21),
  rule('zs-senior', 'KSL-ZS', 'senior', '*', 60),
];

const key = (over: Partial<LoanRuleKey> = {}): LoanRuleKey => ({
  owningBranch: 'TCL-MAIN',
  agency: 'CN-320585-1-TCL',
  patronType: 'adult',
  itemType: 'book',
  ...over,
});

describe('loan rule precedence', () => {
  it('falls back to the catch-all rule', () => {
    expect(pickLoanRule(rules, key())?.id).toBe('default');
  });

  it('prefers an exact patron type or item type over *', () => {
    expect(pickLoanRule(rules, key({ patronType: 'child' }))?.id).toBe('children');
    expect(pickLoanRule(rules, key({ itemType: 'audiovisual' }))?.id).toBe('audiovisual');
    expect(pickLoanRule(rules, key({ patronType: 'child', itemType: 'audiovisual' }))?.id).toBe('children-audiovisual');
  });

  it('ranks patron type above item type when only one of them is exact', () => {
    const onlyFacets = rules.filter((r) => ['default', 'children', 'audiovisual'].includes(r.id));
    expect(pickLoanRule(onlyFacets, key({ patronType: 'child', itemType: 'audiovisual' }))?.id).toBe('children');
  });

  it('ranks the owning agency above *, and the owning branch above the agency', () => {
    const ksl = { agency: 'CN-320583-1-KSL', owningBranch: 'KSL-MAIN' };
    expect(pickLoanRule(rules, key(ksl))?.id).toBe('ksl-all');
    // the agency's generic rule beats the network-wide children rule: scope is compared first
    expect(pickLoanRule(rules, key({ ...ksl, patronType: 'child' }))?.id).toBe('ksl-all');
    expect(pickLoanRule(rules, key({ ...ksl, itemType: 'audiovisual' }))?.id).toBe('ksl-av');
    const zs = { agency: 'CN-320583-1-KSL', owningBranch: 'KSL-ZS' };
    expect(pickLoanRule(rules, key({ ...zs, itemType: 'audiovisual' }))?.id).toBe('zs-all');
    expect(pickLoanRule(rules, key({ ...zs, patronType: 'senior' }))?.id).toBe('zs-senior');
  });

  it('never matches a rule for another branch, agency or type', () => {
    expect(
      pickLoanRule(
        rules.filter((r) => r.id.startsWith('zs') || r.id.startsWith('ksl')),
        key(),
      ),
    ).toBeNull();
    expect(pickLoanRule([rule('x', '*', 'senior', 'periodical', 7)], key({ itemType: 'periodical' }))).toBeNull();
  });

  it('does not depend on the order of the candidates', () => {
    const reversed = [...rules].reverse();
    const k = key({ agency: 'CN-320583-1-KSL', owningBranch: 'KSL-ZS', patronType: 'senior', itemType: 'audiovisual' });
    expect(pickLoanRule(reversed, k)?.id).toBe(pickLoanRule(rules, k)?.id);
    expect(pickLoanRule(reversed, k)?.id).toBe('zs-senior');
  });
});
