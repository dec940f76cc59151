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
 *
 * Loan rights are those of the branch that OWNS the item, wherever it is lent: a checkout at KSL-HQ
 * of an item owned by KSL-MAIN uses KSL-MAIN's rule. docs/circulation.md has the table.
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
  /** most items out overall (all owners) */
  maxItems: number;
  /** most items out that belong to the item's owning branch; null: no such limit */
  maxItemsPerBranch: number | null;
  maxRenewals: number;
  renewalDays: number;
  holdsAllowed: boolean;
  /** fen per chargeable (open) overdue day */
  finePerDayFen: number;
  /** per loan; 0 means uncapped */
  fineCapFen: number;
  /** chargeable days forgiven when returned within them */
  graceDays: number;
  /** the 'fines' block applies from this much owed; null: never */
  fineBlockThresholdFen: number | null;
  /** replacement fee when the item has no catalog price */
  lostItemFeeFen: number;
  /** a loan may be renewed only within this many days before its due day; null: any time */
  renewWithinDays?: number | null;
}

/** Defaults for the columns added after the first rules existed (tests and partial fixtures). */
export const RULE_DEFAULTS: Omit<
  LoanRule,
  'id' | 'scope' | 'patronType' | 'itemType' | 'loanDays' | 'maxItems' | 'maxRenewals' | 'renewalDays'
> = {
  maxItemsPerBranch: null,
  holdsAllowed: true,
  finePerDayFen: 0,
  fineCapFen: 0,
  graceDays: 0,
  fineBlockThresholdFen: null,
  lostItemFeeFen: 5000,
  renewWithinDays: null,
};

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
