import * as C from '../registry/delivery.contracts';

/*
 * Subject tables of the delivery contracts (derived from ../registry/delivery.contracts.ts, so each
 * string exists once). Handlers use `@Handles(DeliveryPlaceOrder)`, callers `rpc.call(...)`; these
 * names are kept for the event switch of the notifier.
 */
export const DeliverySubjects = {
  searchStock: C.DeliverySearchStock.subject,
  placeOrder: C.DeliveryPlaceOrder.subject,
  listOrders: C.DeliveryListOrders.subject,
  getOrder: C.DeliveryGetOrder.subject,
  step: C.DeliveryOrderStep.subject,
  reissueCode: C.DeliveryReissueCode.subject,
  pickList: C.DeliveryPickList.subject,
  upsertLocker: C.DeliveryUpsertLocker.subject,
  listLockers: C.DeliveryListLockers.subject,
  clearanceList: C.DeliveryClearanceList.subject,
  clearCompartment: C.DeliveryClearCompartment.subject,
  deviceDeposit: C.DeliveryDeviceDeposit.subject,
  devicePickup: C.DeliveryDevicePickup.subject,
  deviceDoorClosed: C.DeliveryDeviceDoorClosed.subject,
  deviceReturn: C.DeliveryDeviceReturn.subject,
  runJobs: C.DeliveryRunJobs.subject,
} as const;

export const DeliveryEventSubjects = {
  orderPlaced: C.OrderPlaced.subject,
  orderUpdated: C.OrderUpdated.subject,
  parcelReady: C.ParcelReady.subject,
  parcelCollected: C.ParcelCollected.subject,
  parcelReminder: C.ParcelReminder.subject,
  parcelExpired: C.ParcelExpired.subject,
  pickupCodeLocked: C.PickupCodeLocked.subject,
  orderDelivered: C.OrderDelivered.subject,
  loanOverdue: C.LoanOverdue.subject,
  orderEnded: C.OrderEnded.subject,
} as const;

export const GatewaySubjects = {
  upsertDeviceKey: C.GatewayUpsertDeviceKey.subject,
} as const;
