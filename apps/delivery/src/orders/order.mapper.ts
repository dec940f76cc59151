import { OrderEventData, OrderStatus, OrderView } from '@app/contracts';
import { maskAddress, maskPhone } from '../shared/pickup-code';
import { OrderItemRow, OrderRow } from './order.repository';

/** What readers and staff see of an order: personal data masked, never the code or its hash. */
export function toOrderView(o: OrderRow, items: OrderItemRow[]): OrderView {
  return {
    id: o.id,
    patron: { agency: o.patronAgency, barcode: o.patronBarcode },
    mode: o.mode,
    status: o.status as OrderStatus,
    locker: o.lockerCode,
    compartment: o.compartment,
    stockLocation: o.stockLocation,
    address: maskAddress(o.address),
    phone: maskPhone(o.phone),
    pickupDeadline: o.pickupDeadline?.toISOString() ?? null,
    code:
      o.codeHash || o.codeLocked || o.codeFailures > 0
        ? { failedAttempts: o.codeFailures, locked: o.codeLocked, expiresAt: o.codeExpiresAt?.toISOString() ?? null }
        : null,
    courier: o.carrier
      ? { carrier: o.carrier, trackingNumber: o.trackingNumber, feeFen: o.feeFen ?? 0, subsidyFen: o.subsidyFen ?? 0 }
      : null,
    items: items
      .filter((i) => i.orderId === o.id)
      .map((i) => ({
        recordId: i.recordId,
        title: i.title,
        item: { agency: i.itemAgency, barcode: i.itemBarcode },
        shelfLocation: i.shelfLocation,
        state: i.state,
        holdId: i.holdId,
        loanId: i.loanId,
        dueDate: i.dueDate,
      })),
    placedAt: o.placedAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
  };
}

export function toEventData(
  o: OrderRow,
  items: OrderItemRow[],
  action: string,
  extra: Partial<OrderEventData> = {},
  lockerName: string | null = null,
): OrderEventData {
  return {
    orderId: o.id,
    patron: { agency: o.patronAgency, barcode: o.patronBarcode },
    status: o.status as OrderStatus,
    mode: o.mode,
    action,
    locker: o.lockerCode,
    lockerName,
    compartment: o.compartment,
    pickupDeadline: o.pickupDeadline?.toISOString() ?? null,
    titles: items.filter((i) => i.orderId === o.id).map((i) => i.title),
    stockLocation: o.stockLocation,
    copiesLent: items.filter((i) => i.orderId === o.id && (i.state === 'loaned' || i.state === 'returned')).length,
    phone: o.phone,
    ...extra,
  };
}
