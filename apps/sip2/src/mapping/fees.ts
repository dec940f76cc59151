import type { FineView, PaymentType } from '@app/contracts';
import { formatMoney } from '@app/sip2-protocol';

/** BH: the only currency fines are kept in (integer fen). */
export const CURRENCY = 'CNY';

/** 37 currency type (3 chars): CNY, or blank (kiosks that never set it). */
export const currencyAccepted = (bh: string | undefined): boolean =>
  !bh || bh.trim() === '' || bh.trim().toUpperCase() === CURRENCY;

/** 37 payment type → PaymentType (contracts: 00 cash, 01 VISA and 02 credit card are cards); vendor codes → other. */
export function paymentTypeOf(code: string | undefined): PaymentType {
  switch (code) {
    case '00':
      return 'cash';
    case '01':
    case '02':
      return 'card';
    default:
      return 'other';
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** CG is one of our fine ids (the first word of an AV entry). */
export const isFineId = (cg: string): boolean => UUID.test(cg.trim());

/**
 * CG → the fine to pay: a fine id as we send it in AV; or, for kiosks that put the item barcode there,
 * the patron's one open fine on that item (undefined when there is none, or more than one).
 */
export function fineIdForCG(cg: string, openFines: readonly FineView[]): string | undefined {
  const v = cg.trim();
  if (isFineId(v)) return v.toLowerCase();
  const onItem = openFines.filter((f) => f.item?.barcode === v);
  return onItem.length === 1 ? onItem[0].id : undefined;
}

/**
 * One AV entry: `<fine id> <amount still owed> <kind> <item barcode> <title>`. The id comes first so a
 * kiosk can send it back in CG to pay this fine only; the amount is "12.50" (CNY).
 */
export function fineItemText(f: FineView, kindLabel: string): string {
  return [f.id, formatMoney(f.outstandingFen), kindLabel, f.item?.barcode, f.title].filter((p) => p).join(' ');
}
