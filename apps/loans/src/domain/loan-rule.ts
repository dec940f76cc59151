/**
 * Loan rules: which loan period, item limit and renewals apply to a checkout.
 *
 * A rule is keyed by (scope, patron type, item type), each of which may be '*':
 *   scope       the item's owning branch code, its owning agency ISIL, or '*'
 *   patronType  a PatronType or '*'
 *   itemType    an ItemType or '*'
 * The most specific matching rule wins, compared field by field in this order:
 *   1. scope: owning branch > owning agency > '*'
 *   2. patron type: exact > '*'
 *   3. item type: exact > '*'
 * (the same order as Koha's circulation matrix). A rule is a whole row: when two facets matter at
 * once (children borrowing audiovisual), seed a rule for the pair.
 */
export const ANY = '*';

export interface LoanRuleKey {
  /** the item's owning (home) branch */
  owningBranch: string;
  /** the item's owning agency ISIL */
  agency: string;
  patronType: string;
  itemType: string;
}

export interface LoanRule {
  id: string;
  scope: string;
  patronType: string;
  itemType: string;
  loanDays: number;
  maxItems: number;
  maxRenewals: number;
  renewalDays: number;
}

export function ruleMatches(rule: LoanRule, key: LoanRuleKey): boolean {
  return (
    (rule.scope === ANY || rule.scope === key.owningBranch || rule.scope === key.agency) &&
    (rule.patronType === ANY || rule.patronType === key.patronType) &&
    (rule.itemType === ANY || rule.itemType === key.itemType)
  );
}

/** Higher is more specific; the weights make the field order above strict (lexicographic). */
export function ruleSpecificity(rule: LoanRule, key: LoanRuleKey): number {
  const scope = rule.scope === key.owningBranch ? 2 : rule.scope === key.agency ? 1 : 0;
  return scope * 4 + (rule.patronType !== ANY ? 2 : 0) + (rule.itemType !== ANY ? 1 : 0);
}

/** The most specific rule among `candidates` that matches `key`, or null. */
export function pickLoanRule(candidates: readonly LoanRule[], key: LoanRuleKey): LoanRule | null {
  let best: LoanRule | null = null;
  let bestScore = -1;
  for (const rule of candidates) {
    if (!ruleMatches(rule, key)) continue;
    const score = ruleSpecificity(rule, key);
    if (score > bestScore) {
      best = rule;
      bestScore = score;
    }
  }
  return best;
}
