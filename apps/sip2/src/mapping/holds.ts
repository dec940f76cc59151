import type { HoldView } from '@app/contracts';
import { formatSip2Date } from '@app/sip2-protocol';

/** 15 hold mode: + place, - cancel, * change (pickup location). */
export type HoldMode = 'place' | 'cancel' | 'change';

export function holdModeOf(fixed: string | undefined): HoldMode | undefined {
  switch (fixed) {
    case '+':
      return 'place';
    case '-':
      return 'cancel';
    case '*':
      return 'change';
    default:
      return undefined;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** AJ names a title by text; a few ILS-integrated kiosks send the record id there instead, which we can use. */
export const recordIdOf = (aj: string | undefined): string | undefined =>
  aj && UUID.test(aj.trim()) ? aj.trim().toLowerCase() : undefined;

/** BW (an 18-char SIP date, local) → the local date YYYY-MM-DD; undefined when blank or not a real date. */
export function localDateOfSipDate(bw: string | undefined): string | undefined {
  const m = /^\s*(\d{4})(\d{2})(\d{2})/.exec(bw ?? '');
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return undefined;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

/**
 * 63/64 hold lists (docs/circulation.md): AS = holds whose copy waits on the hold shelf (`ready`), by
 * the copy's barcode; CD = holds not available yet (waiting, in transit), by the requested or
 * travelling copy's barcode, else the title.
 */
export function holdLists(holds: readonly HoldView[]): { available: string[]; unavailable: string[] } {
  const available: string[] = [];
  const unavailable: string[] = [];
  for (const h of holds) {
    if (h.status === 'ready') available.push(h.trappedItem?.barcode ?? h.item?.barcode ?? h.title);
    else if (h.status === 'waiting' || h.status === 'in_transit')
      unavailable.push(h.item?.barcode ?? h.trappedItem?.barcode ?? h.title);
  }
  return { available, unavailable };
}

/**
 * The hold a 15 with mode '-' means, among the patron's active holds: the hold on this copy (item-level),
 * the hold this copy is set aside for, a title-level hold on the copy's record, or (AJ only) the hold
 * on that title.
 */
export function findHoldToCancel(
  holds: readonly HoldView[],
  target: { barcode?: string; recordId?: string; title?: string },
): HoldView | undefined {
  const { barcode, recordId, title } = target;
  return (
    (barcode ? holds.find((h) => h.item?.barcode === barcode) : undefined) ??
    (barcode ? holds.find((h) => h.trappedItem?.barcode === barcode) : undefined) ??
    (recordId ? holds.find((h) => h.recordId === recordId) : undefined) ??
    (title ? holds.find((h) => h.title === title) : undefined)
  );
}

/** 16 `available`: Y when a copy is waiting on the hold shelf for the patron. */
export const holdAvailable = (h: HoldView): boolean => h.status === 'ready';

/**
 * 16 BW: when the hold lapses. On the shelf, the pickup deadline; otherwise the end of the
 * not-needed-after day; undefined when it never lapses.
 */
export function holdExpiry(h: HoldView, timeZone: string): string | undefined {
  if (h.status === 'ready' && h.pickupDeadline) return formatSip2Date(new Date(h.pickupDeadline), timeZone);
  if (h.notNeededAfter) return `${h.notNeededAfter.replace(/-/g, '')}    235959`;
  return undefined;
}

/**
 * What the loans service's holds say about one copy (authoritative; the catalog mirrors it with a lag):
 * set aside on a hold shelf (ready) or travelling to one (in_transit), with that hold.
 */
export function copySetAside(queue: readonly HoldView[], barcode: string): HoldView | undefined {
  return queue.find((h) => h.trappedItem?.barcode === barcode && (h.status === 'ready' || h.status === 'in_transit'));
}
