import { ErrorCode } from '@app/contracts';
import { LoanRule, LoanRuleKey, pickLoanRule, RULE_DEFAULTS } from './loan-rule';
import { limitRefusal } from './loan-limits';

const rule = (
  id: string,
  scope: string,
  patronType: string,
  itemType: string,
  over: Partial<LoanRule> = {},
): LoanRule => ({
  ...RULE_DEFAULTS,
  id,
  scope,
  patronType,
  itemType,
  loanDays: 30,
  maxItems: 20,
  maxRenewals: 1,
  renewalDays: 30,
  ...over,
});

const KSL = 'CN-320583-1-KSL';
const TCL = 'CN-320585-1-TCL';

// a matrix like the one in docs/circulation.md
const MATRIX: LoanRule[] = [
  rule('default', '*', '*', '*'),
  rule('children', '*', 'child', '*'),
  rule('audiovisual', '*', '*', 'audiovisual'),
  rule('children-audiovisual', '*', 'child', 'audiovisual'),
  rule('ksl', KSL, '*', '*'),
  rule('ksl-child', KSL, 'child', '*'),
  rule('ksl-periodical', KSL, '*', 'periodical'),
  rule('ksl-main', 'KSL-MAIN', '*', '*'),
  rule('ksl-main-av', 'KSL-MAIN', '*', 'audiovisual'),
  rule('ksl-main-child-av', 'KSL-MAIN', 'child', 'audiovisual'),
  rule('ksl-24h', 'KSL-24H-SLGY', '*', '*'),
];

const key = (owningBranch: string, agency: string, patronType: string, itemType: string): LoanRuleKey => ({
  owningBranch,
  agency,
  patronType,
  itemType,
});

describe('rule precedence: scope (owning branch > owning agency > *), then patron type, then item type', () => {
  it.each([
    // owning branch, agency, patron, item → rule
    ['KSL-MAIN', KSL, 'adult', 'book', 'ksl-main'],
    ['KSL-MAIN', KSL, 'adult', 'audiovisual', 'ksl-main-av'],
    ['KSL-MAIN', KSL, 'child', 'audiovisual', 'ksl-main-child-av'],
    ['KSL-MAIN', KSL, 'child', 'book', 'ksl-main'], // the branch's generic rule beats the agency's child rule
    ['KSL-MAIN', KSL, 'adult', 'periodical', 'ksl-main'], // ... and the agency's item-type rule
    ['KSL-HQ', KSL, 'adult', 'book', 'ksl'], // no KSL-HQ rule: the owning agency's
    ['KSL-HQ', KSL, 'child', 'periodical', 'ksl-child'], // patron type ranks above item type
    ['KSL-HQ', KSL, 'adult', 'periodical', 'ksl-periodical'],
    ['KSL-24H-SLGY', KSL, 'child', 'audiovisual', 'ksl-24h'],
    ['TCL-MAIN', TCL, 'adult', 'book', 'default'], // a partner's item: network rules
    ['TCL-MAIN', TCL, 'child', 'book', 'children'],
    ['TCL-MAIN', TCL, 'adult', 'audiovisual', 'audiovisual'],
    ['TCL-MAIN', TCL, 'child', 'audiovisual', 'children-audiovisual'],
  ])('%s / %s / %s / %s → %s', (branch, agency, patronType, itemType, expected) => {
    expect(pickLoanRule(MATRIX, key(branch, agency, patronType, itemType))?.id).toBe(expected);
    // order of the candidates never matters
    expect(pickLoanRule([...MATRIX].reverse(), key(branch, agency, patronType, itemType))?.id).toBe(expected);
  });

  it('uses the rule of the owning branch, not of the branch where the item is lent', () => {
    // lent at KSL-HQ, owned by KSL-MAIN: the key carries the owner only
    expect(pickLoanRule(MATRIX, key('KSL-MAIN', KSL, 'adult', 'book'))?.id).toBe('ksl-main');
  });
});

describe('loan limits', () => {
  const r = rule('r', '*', '*', '*', { maxItems: 5, maxItemsPerBranch: 2 });
  it.each([
    // open, open from the owner, refused?, which limit
    [0, 0, null],
    [4, 1, null],
    [5, 0, 'maxItems'],
    [3, 2, 'maxItemsPerBranch'],
  ] as const)('%i open, %i from the owner → %s', (open, fromOwner, limit) => {
    const refusal = limitRefusal(r, { open, openFromOwningBranch: fromOwner }, 'KSL-ZS', `${KSL}/P1`);
    if (limit === null) expect(refusal).toBeNull();
    else
      expect(refusal).toMatchObject({
        code: ErrorCode.TooManyItems,
        details: expect.objectContaining({ [limit]: limit === 'maxItems' ? 5 : 2 }),
      });
  });

  it('has no per-branch limit when the rule sets none', () => {
    expect(
      limitRefusal({ ...r, maxItemsPerBranch: null }, { open: 4, openFromOwningBranch: 4 }, 'KSL-ZS', 'x'),
    ).toBeNull();
  });
});
