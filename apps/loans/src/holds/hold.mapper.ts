import type { CheckinHoldInfo, CirculationChannel, HoldEventData, HoldShelfEntry, HoldView } from '@app/contracts';
import { localDate } from '@app/time';
import { HoldRow } from './hold.repository';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export const toHoldView = (h: HoldRow, tz: string): HoldView => ({
  id: h.id,
  patron: { agency: h.patronAgency, barcode: h.patronBarcode },
  level: h.level,
  recordId: h.recordId,
  item: h.itemBarcode ? { agency: h.itemAgency!, barcode: h.itemBarcode } : null,
  title: h.title,
  agency: h.agency,
  pickupBranch: h.pickupBranch,
  status: h.status,
  priority: h.priority,
  placedBy: h.placedBy,
  placedAt: h.placedAt.toISOString(),
  notNeededAfter: h.notNeededAfter,
  queuePosition: h.status === 'waiting' ? (h.queuePosition ?? null) : null,
  trappedItem: h.trappedItemBarcode ? { agency: h.trappedItemAgency!, barcode: h.trappedItemBarcode } : null,
  trappedAt: iso(h.trappedAt),
  readyAt: iso(h.readyAt),
  pickupDeadline: iso(h.pickupDeadline),
  pickupDeadlineDate: h.pickupDeadline ? localDate(h.pickupDeadline, tz) : null,
  endedAt: iso(h.endedAt),
  endReason: h.endReason,
  loanId: h.loanId,
});

export const toCheckinHoldInfo = (h: HoldRow, tz: string): CheckinHoldInfo => ({
  holdId: h.id,
  patron: { agency: h.patronAgency, barcode: h.patronBarcode },
  pickupBranch: h.pickupBranch,
  status: h.status === 'ready' ? 'ready' : 'in_transit',
  pickupDeadline: iso(h.pickupDeadline),
  pickupDeadlineDate: h.pickupDeadline ? localDate(h.pickupDeadline, tz) : null,
});

export const toShelfEntry = (h: HoldRow, now: Date, tz: string): HoldShelfEntry => {
  const expired = h.status !== 'ready' || (h.pickupDeadline !== null && h.pickupDeadline.getTime() < now.getTime());
  return {
    holdId: h.id,
    patron: { agency: h.patronAgency, barcode: h.patronBarcode },
    item: { agency: h.trappedItemAgency!, barcode: h.trappedItemBarcode! },
    title: h.title,
    readyAt: iso(h.readyAt),
    pickupDeadline: iso(h.pickupDeadline),
    pickupDeadlineDate: h.pickupDeadline ? localDate(h.pickupDeadline, tz) : null,
    expired,
    action: h.status === 'ready' && !expired ? 'keep' : 'pull',
  };
};

/** The event payload for a hold after a change; `h` carries the new state. */
export const toHoldEventData = (h: HoldRow, tz: string): HoldEventData => ({
  holdId: h.id,
  patron: { agency: h.patronAgency, barcode: h.patronBarcode },
  level: h.level,
  recordId: h.recordId,
  title: h.title,
  pickupBranch: h.pickupBranch,
  status: h.status,
  ...(h.trappedItemBarcode
    ? { item: { agency: h.trappedItemAgency!, barcode: h.trappedItemBarcode } }
    : h.itemBarcode
      ? { item: { agency: h.itemAgency!, barcode: h.itemBarcode } }
      : {}),
  ...(h.pickupDeadline
    ? { pickupDeadline: h.pickupDeadline.toISOString(), pickupDeadlineDate: localDate(h.pickupDeadline, tz) }
    : {}),
  ...(h.endReason ? { endReason: h.endReason } : {}),
  ...(h.loanId ? { loanId: h.loanId } : {}),
  channel: h.channel as CirculationChannel,
});
