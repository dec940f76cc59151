import { as, event, NoPayload, rpc } from '../contract';
import type { Page } from '../common/page.dto';
import {
  ClearanceQueryDto,
  ClearCompartmentDto,
  DeviceDepositDto,
  DeviceDoorClosedDto,
  DeviceHeartbeatDto,
  DevicePickupDto,
  DeviceReturnDto,
  ListOrdersDto,
  OrderRefDto,
  OrderStepDto,
  PickListQueryDto,
  PlaceOrderDto,
  ReissueCodeDto,
  RunDeliveryJobsDto,
  SearchStockDto,
  UpsertDeviceKeyDto,
  UpsertLockerDto,
} from '../delivery/delivery.dto';
import type {
  ClearanceEntry,
  CompartmentView,
  DeliveryJobsReport,
  DepositResult,
  DeviceHeartbeatResult,
  DeviceReturnResult,
  LockerView,
  OrderEventData,
  OrderView,
  PickListView,
  PickupDecision,
  StockTitleView,
} from '../delivery/delivery.dto';

/** delivery service: O2O lending (docs/o2o-delivery.md). Device and staff steps are idempotent on `requestId`. */
export const DeliverySearchStock = rpc('delivery.stock.search.v1', SearchStockDto, as<Page<StockTitleView>>());
export const DeliveryPlaceOrder = rpc('delivery.orders.place.v1', PlaceOrderDto, as<OrderView>());
export const DeliveryListOrders = rpc('delivery.orders.list.v1', ListOrdersDto, as<Page<OrderView>>());
export const DeliveryGetOrder = rpc('delivery.orders.get.v1', OrderRefDto, as<OrderView>());
export const DeliveryOrderStep = rpc('delivery.orders.step.v1', OrderStepDto, as<OrderView>());
export const DeliveryReissueCode = rpc('delivery.orders.reissue-code.v1', ReissueCodeDto, as<OrderView>());
export const DeliveryPickList = rpc('delivery.fulfilment.pick-list.v1', PickListQueryDto, as<PickListView>());
export const DeliveryUpsertLocker = rpc('delivery.lockers.upsert.v1', UpsertLockerDto, as<LockerView>());
export const DeliveryListLockers = rpc('delivery.lockers.list.v1', NoPayload, as<LockerView[]>());
export const DeliveryClearanceList = rpc('delivery.clearance.list.v1', ClearanceQueryDto, as<ClearanceEntry[]>());
export const DeliveryClearCompartment = rpc('delivery.clearance.clear.v1', ClearCompartmentDto, as<OrderView>());
export const DeliveryDeviceDeposit = rpc('delivery.device.deposit.v1', DeviceDepositDto, as<DepositResult>());
export const DeliveryDevicePickup = rpc('delivery.device.pickup.v1', DevicePickupDto, as<PickupDecision>());
export const DeliveryDeviceDoorClosed = rpc(
  'delivery.device.door-closed.v1',
  DeviceDoorClosedDto,
  as<CompartmentView>(),
);
export const DeliveryDeviceReturn = rpc('delivery.device.return.v1', DeviceReturnDto, as<DeviceReturnResult>());
export const DeliveryDeviceHeartbeat = rpc(
  'delivery.device.heartbeat.v1',
  DeviceHeartbeatDto,
  as<DeviceHeartbeatResult>(),
);
export const DeliveryRunJobs = rpc('delivery.jobs.run.v1', RunDeliveryJobsDto, as<DeliveryJobsReport>());

/** the gateway's own handler: install a locker device key with a given value (seed, provisioning) */
export const GatewayUpsertDeviceKey = rpc('gateway.device-keys.upsert.v1', UpsertDeviceKeyDto, as<{ id: string }>());

/** Events of an order's life (data: OrderEventData); the delivery notifier consumes them. */
export const OrderPlaced = event('events.delivery.order-placed.v1', as<OrderEventData>());
export const OrderUpdated = event('events.delivery.order-updated.v1', as<OrderEventData>());
/** in a compartment: the data carries the pickup code sealed for the reader's notice */
export const ParcelReady = event('events.delivery.parcel-ready.v1', as<OrderEventData>());
export const ParcelCollected = event('events.delivery.parcel-collected.v1', as<OrderEventData>());
export const ParcelReminder = event('events.delivery.parcel-reminder.v1', as<OrderEventData>());
export const ParcelExpired = event('events.delivery.parcel-expired.v1', as<OrderEventData>());
export const PickupCodeLocked = event('events.delivery.pickup-code-locked.v1', as<OrderEventData>());
export const OrderDelivered = event('events.delivery.order-delivered.v1', as<OrderEventData>());
export const LoanOverdue = event('events.delivery.loan-overdue.v1', as<OrderEventData>());
export const OrderEnded = event('events.delivery.order-ended.v1', as<OrderEventData>());
