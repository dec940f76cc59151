/** O2O delivery (lending stock, orders, lockers, devices). DTOs in delivery.dto.ts; documented in docs/o2o-delivery.md. */
export const DeliverySubjects = {
  /** SearchStockDto → Page<StockTitleView> */
  searchStock: 'delivery.stock.search.v1',
  /** PlaceOrderDto → OrderView */
  placeOrder: 'delivery.orders.place.v1',
  /** ListOrdersDto → Page<OrderView> */
  listOrders: 'delivery.orders.list.v1',
  /** OrderRefDto → OrderView (with its timeline) */
  getOrder: 'delivery.orders.get.v1',
  /** OrderStepDto (pick, pack, dispatch, hand-over, delivered, failed, cancel) → OrderView; idempotent on requestId */
  step: 'delivery.orders.step.v1',
  /** ReissueCodeDto → OrderView (a new code goes to the reader) */
  reissueCode: 'delivery.orders.reissue-code.v1',
  /** PickListQueryDto → PickListView */
  pickList: 'delivery.fulfilment.pick-list.v1',
  /** UpsertLockerDto → LockerView */
  upsertLocker: 'delivery.lockers.upsert.v1',
  /** {} → LockerView[] */
  listLockers: 'delivery.lockers.list.v1',
  /** ClearanceQueryDto → ClearanceEntry[] */
  clearanceList: 'delivery.clearance.list.v1',
  /** ClearCompartmentDto → OrderView; idempotent on requestId */
  clearCompartment: 'delivery.clearance.clear.v1',
  /** DeviceDepositDto → DepositResult; idempotent on requestId */
  deviceDeposit: 'delivery.device.deposit.v1',
  /** DevicePickupDto → PickupDecision; idempotent on requestId */
  devicePickup: 'delivery.device.pickup.v1',
  /** DeviceDoorClosedDto → CompartmentView; idempotent on requestId */
  deviceDoorClosed: 'delivery.device.door-closed.v1',
  /** DeviceReturnDto → DeviceReturnResult; idempotent on requestId */
  deviceReturn: 'delivery.device.return.v1',
  /** RunDeliveryJobsDto → DeliveryJobsReport (the jobs also run periodically) */
  runJobs: 'delivery.jobs.run.v1',
} as const;

/** Events (JetStream, through the delivery outbox); the notifier consumes them. Data: OrderEventData. */
export const DeliveryEventSubjects = {
  orderPlaced: 'events.delivery.order-placed.v1',
  /** picked, packed, dispatched, handed over, waiting for a compartment, delivered, returned items … */
  orderUpdated: 'events.delivery.order-updated.v1',
  /** in a compartment: the data carries the sealed pickup code for the reader's notice */
  parcelReady: 'events.delivery.parcel-ready.v1',
  parcelCollected: 'events.delivery.parcel-collected.v1',
  parcelReminder: 'events.delivery.parcel-reminder.v1',
  parcelExpired: 'events.delivery.parcel-expired.v1',
  pickupCodeLocked: 'events.delivery.pickup-code-locked.v1',
  orderDelivered: 'events.delivery.order-delivered.v1',
  /** a book of the order is past its due day (once per order and day the job finds it) */
  loanOverdue: 'events.delivery.loan-overdue.v1',
  orderEnded: 'events.delivery.order-ended.v1',
} as const;

/** The gateway's own NATS handlers (answered in the `gateway` queue group). */
export const GatewaySubjects = {
  /** UpsertDeviceKeyDto → { id } : install a device key with a given value (demo seed, vendor provisioning) */
  upsertDeviceKey: 'gateway.device-keys.upsert.v1',
} as const;
