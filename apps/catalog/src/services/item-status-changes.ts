/** A status change for one item, as an event describes it (`location` absent: the item stays where it is). */
export interface ItemStatusChange {
  agency: string;
  barcode: string;
  status: string;
  at: Date;
  location?: string | null;
}

/**
 * What a run of changes to one item amounts to when they are applied one by one with "an older change
 * never overwrites a newer one" (`ItemRepository.applyStatusIfNewer`): the last change not older than
 * any before it decides status and time; the location is the last such change's that named one
 * (`locationAt` its time), and it is taken only if that change is not older than the item's recorded
 * change either — otherwise none of the batch's locations would have been applied.
 */
export interface CollapsedItemStatusChange {
  agency: string;
  barcode: string;
  status: string;
  at: Date;
  location: string | null;
  locationAt: Date | null;
}

/**
 * Collapse a batch (in delivery order) to one change per item with the same result as applying the
 * changes in that order one at a time. A change is applied iff it is not older than the item's
 * recorded change and every change applied before it, so the applied changes of one item are a
 * suffix of the batch's running maxima; equal times apply again (a later delivery wins, as a redelivery
 * does today). Sorted by (agency, barcode) so concurrent batch updates lock rows in the same order.
 */
export function collapseStatusChanges(changes: readonly ItemStatusChange[]): CollapsedItemStatusChange[] {
  const byItem = new Map<string, CollapsedItemStatusChange>();
  for (const c of changes) {
    const key = `${c.agency}\u0000${c.barcode}`;
    const location = c.location || null; // '' is no location, as in applyStatusIfNewer
    const seen = byItem.get(key);
    if (!seen) {
      byItem.set(key, {
        agency: c.agency,
        barcode: c.barcode,
        status: c.status,
        at: c.at,
        location,
        locationAt: location ? c.at : null,
      });
    } else if (c.at.getTime() >= seen.at.getTime()) {
      seen.status = c.status;
      seen.at = c.at;
      if (location) {
        seen.location = location;
        seen.locationAt = c.at;
      }
    } // else older than a change before it in the batch: never applied
  }
  return [...byItem.values()].sort((a, b) => compare(a.agency, b.agency) || compare(a.barcode, b.barcode));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
