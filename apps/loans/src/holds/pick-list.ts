/** A waiting hold of one title, in queue order. */
export interface PickHold {
  id: string;
  level: 'title' | 'item';
  itemAgency: string | null;
  itemBarcode: string | null;
  pickupBranch: string;
}

/** A copy on an open shelf that could be pulled. */
export interface PickCopy {
  agency: string;
  barcode: string;
  currentLocation: string;
}

/**
 * Assign shelf copies to the waiting holds of one title so that each hold gets at most one copy and
 * no two branches pull for the same hold. Holds are served in queue order; a hold takes a copy at
 * its own pickup branch when there is one (no transit), else the first free copy by (location,
 * barcode), so every branch computes the same assignment.
 */
export function allocateCopies<H extends PickHold, C extends PickCopy>(
  holds: readonly H[],
  copies: readonly C[],
): { hold: H; copy: C }[] {
  const free = [...copies].sort(
    (a, b) => a.currentLocation.localeCompare(b.currentLocation) || a.barcode.localeCompare(b.barcode),
  );
  const taken = new Set<C>();
  const out: { hold: H; copy: C }[] = [];
  for (const hold of holds) {
    const fits = (c: C) =>
      !taken.has(c) && (hold.level === 'title' || (c.agency === hold.itemAgency && c.barcode === hold.itemBarcode));
    const copy = free.find((c) => fits(c) && c.currentLocation === hold.pickupBranch) ?? free.find(fits);
    if (!copy) continue;
    taken.add(copy);
    out.push({ hold, copy });
  }
  return out;
}
