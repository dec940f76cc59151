import { ErrorCode, ItemStatus, ItemView, PatronView, VerifyPinResult } from '@app/contracts';

/** A refusal: a stable code for kiosks and desks, and a message for staff. */
export interface Refusal {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/**
 * Whether a patron may borrow (or renew). Order matters: a lost card is dead whoever holds it, so
 * it is reported before the PIN result (a finder learns nothing about the PIN); then the PIN; then
 * blocks and inactive accounts; then card expiry. `today` is the local date (YYYY-MM-DD) so expiry
 * is judged in the library time zone even if the patrons service's `expired` flag lags a midnight.
 */
export function patronRefusal(
  patron: PatronView,
  today: string,
  pin?: Pick<VerifyPinResult, 'valid' | 'throttled'>,
): Refusal | null {
  const who = `${patron.agency}/${patron.barcode}`;
  if (patron.blocks.includes('card_lost')) {
    return { code: ErrorCode.CardLost, message: `card ${who} is reported lost` };
  }
  if (pin?.throttled) {
    return { code: ErrorCode.PinThrottled, message: `too many wrong PINs for ${who}; try again later` };
  }
  if (pin && !pin.valid) {
    return { code: ErrorCode.PinInvalid, message: `wrong PIN for ${who}` };
  }
  if (patron.status !== 'active') {
    return {
      code: ErrorCode.PatronBlocked,
      message: `patron ${who} is ${patron.status}`,
      details: { status: patron.status },
    };
  }
  if (patron.blocks.length > 0) {
    return {
      code: ErrorCode.PatronBlocked,
      message: `patron ${who} is blocked (${patron.blocks.join(', ')})`,
      details: { blocks: patron.blocks },
    };
  }
  if (patron.expired || patron.cardExpiresOn < today) {
    return {
      code: ErrorCode.CardExpired,
      message: `card ${who} expired on ${patron.cardExpiresOn}`,
      details: { cardExpiresOn: patron.cardExpiresOn },
    };
  }
  return null;
}

/**
 * Statuses that allow a checkout. `on_loan` is allowed because the catalog's status only mirrors loan
 * events (it can lag a checkin): the loans table, not the catalog, decides whether the item is out.
 */
export const CHECKOUT_STATUSES: readonly ItemStatus[] = ['available', 'on_loan', 'in_transit', 'on_hold_shelf'];

/** What the item checks read: a catalog ItemView or a row of loans' item projection. */
export type LendableItem = Pick<ItemView, 'agency' | 'barcode' | 'itemType' | 'loanable' | 'status'>;

export function itemRefusal(item: LendableItem): Refusal | null {
  const which = `${item.agency}/${item.barcode}`;
  if (!item.loanable) {
    return {
      code: ErrorCode.ItemNotLoanable,
      message: `item ${which} (${item.itemType}) is for use in the library only`,
      details: { loanable: false },
    };
  }
  if (!CHECKOUT_STATUSES.includes(item.status)) {
    return {
      code: ErrorCode.ItemNotLoanable,
      message: `item ${which} is ${item.status}`,
      details: { status: item.status },
    };
  }
  return null;
}
