import type { FloatingRuleView } from '@app/contracts';

export const ANY_AGENCY = '*';

/**
 * Whether items of `itemType` owned by `agency` float (stay where they are returned) instead of
 * travelling back to their home branch. The agency's own row beats a '*' row; no row: they go home.
 */
export function floats(rules: readonly FloatingRuleView[], agency: string, itemType: string): boolean {
  const own = rules.find((r) => r.agency === agency && r.itemType === itemType);
  if (own) return own.floats;
  return rules.find((r) => r.agency === ANY_AGENCY && r.itemType === itemType)?.floats ?? false;
}

/** Where an item with no hold goes after a checkin at `here`. */
export function restingPlace(
  rules: readonly FloatingRuleView[],
  item: { agency: string; itemType: string; homeBranch: string },
  here: string,
): string {
  return floats(rules, item.agency, item.itemType) ? here : item.homeBranch;
}
