import type { ItemType, ItemView, LoanView } from '@app/contracts';

/** SIP2 circulation status (18, 2 digits), PROTOCOL.md §1.4. */
export const CirculationStatus = {
  other: '01',
  onOrder: '02',
  available: '03',
  charged: '04',
  chargedNoRecall: '05',
  inProcess: '06',
  recalled: '07',
  waitingOnHoldShelf: '08',
  waitingToBeReshelved: '09',
  inTransit: '10',
  claimedReturned: '11',
  lost: '12',
  missing: '13',
} as const;

/**
 * Catalog status + the open loan + whether the loans service has set the copy aside for a hold (the
 * loans service is the authority on loans and holds; the catalog's `on_loan`, `in_transit` and
 * `on_hold_shelf` only mirror its events and may lag either way).
 */
export function circulationStatus(
  item: ItemView | null,
  loan: LoanView | null,
  setAside?: 'ready' | 'in_transit',
): string {
  if (!item) return CirculationStatus.other;
  switch (item.status) {
    case 'lost':
      return CirculationStatus.lost;
    case 'missing':
      return CirculationStatus.missing;
    case 'claimed_returned':
      return CirculationStatus.claimedReturned;
  }
  if (loan && loan.status === 'open')
    return loan.claimedReturnedAt ? CirculationStatus.claimedReturned : CirculationStatus.charged;
  if (setAside === 'ready') return CirculationStatus.waitingOnHoldShelf;
  if (setAside === 'in_transit') return CirculationStatus.inTransit;
  switch (item.status) {
    case 'available':
    case 'on_loan': // no open loan: returned, the catalog has not caught up yet
      return CirculationStatus.available;
    case 'in_transit':
      return CirculationStatus.inTransit;
    case 'on_hold_shelf':
      return CirculationStatus.waitingOnHoldShelf;
    case 'in_processing':
      return CirculationStatus.inProcess;
    default: // damaged, withdrawn
      return CirculationStatus.other;
  }
}

/** CK media type: 001 book, 002 magazine, 006 CD/CD-ROM (our audiovisual), 000 other. */
export function mediaType(itemType: ItemType | string | undefined): string {
  switch (itemType) {
    case 'book':
    case 'children_book':
    case 'reference':
    case 'rare':
      return '001';
    case 'periodical':
      return '002';
    case 'audiovisual':
      return '006';
    default:
      return '000';
  }
}

/** Magnetic media (12/10/30): books are not; audiovisual may be (tapes), so "unknown". */
export function magneticMedia(itemType: ItemType | string | undefined): 'Y' | 'N' | 'U' {
  if (itemType === 'audiovisual' || itemType === undefined) return 'U';
  return 'N';
}

/** Security marker (18): RFID/EAS state is not held by the catalog, so "00 other". */
export const SECURITY_MARKER_OTHER = '00';
/** Fee type (18): nothing is charged to borrow an item (fines belong to patrons: 64 AV), so "01 other/unknown". */
export const FEE_TYPE_OTHER = '01';
