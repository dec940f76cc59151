import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Handles } from '@app/common';
import {
  ClearanceEntry,
  ClearanceQueryDto,
  ClearCompartmentDto,
  CompartmentView,
  DeliveryJobsReport,
  DeliveryClearCompartment,
  DeliveryClearanceList,
  DeliveryDeviceDeposit,
  DeliveryDeviceDoorClosed,
  DeliveryDeviceHeartbeat,
  DeliveryDevicePickup,
  DeliveryDeviceReturn,
  DeliveryGetOrder,
  DeliveryListLockers,
  DeliveryListOrders,
  DeliveryOrderStep,
  DeliveryPickList,
  DeliveryPlaceOrder,
  DeliveryReissueCode,
  DeliveryRunJobs,
  DeliverySearchStock,
  DeliveryUpsertLocker,
  DepositResult,
  DeviceDepositDto,
  DeviceDoorClosedDto,
  DeviceHeartbeatDto,
  DeviceHeartbeatResult,
  DevicePickupDto,
  DeviceReturnDto,
  DeviceReturnResult,
  ListOrdersDto,
  LockerView,
  OrderRefDto,
  OrderStepDto,
  OrderView,
  Page,
  PickListQueryDto,
  PickListView,
  PickupDecision,
  PlaceOrderDto,
  ReissueCodeDto,
  RunDeliveryJobsDto,
  SearchStockDto,
  StockTitleView,
  UpsertLockerDto,
} from '@app/contracts';
import { LockerDeviceUseCase } from './device/locker-device.usecase';
import { ParcelJobs } from './jobs/parcel-jobs.job';
import { ClearanceUseCase } from './lockers/clearance.usecase';
import { LockerRepository } from './lockers/locker.repository';
import { OrderQueryService } from './orders/order-query.service';
import { OrderStepsUseCase } from './orders/order-steps.usecase';
import { PlaceOrderUseCase } from './orders/place-order.usecase';
import { StockService } from './orders/stock.service';

/** NATS handlers of the delivery service (queue group `delivery`). */
@Controller()
export class DeliveryController {
  constructor(
    private readonly stock: StockService,
    private readonly place: PlaceOrderUseCase,
    private readonly query: OrderQueryService,
    private readonly steps: OrderStepsUseCase,
    private readonly device: LockerDeviceUseCase,
    private readonly clearance: ClearanceUseCase,
    private readonly lockers: LockerRepository,
    private readonly jobs: ParcelJobs,
  ) {}

  @Handles(DeliverySearchStock)
  searchStock(@Payload() dto: SearchStockDto): Promise<Page<StockTitleView>> {
    return this.stock.search(dto);
  }

  @Handles(DeliveryPlaceOrder)
  placeOrder(@Payload() dto: PlaceOrderDto): Promise<OrderView> {
    return this.place.execute(dto);
  }

  @Handles(DeliveryListOrders)
  listOrders(@Payload() dto: ListOrdersDto): Promise<Page<OrderView>> {
    return this.query.list(dto);
  }

  @Handles(DeliveryGetOrder)
  getOrder(@Payload() dto: OrderRefDto): Promise<OrderView> {
    return this.query.get(dto);
  }

  @Handles(DeliveryOrderStep)
  step(@Payload() dto: OrderStepDto): Promise<OrderView> {
    return this.steps.step(dto);
  }

  @Handles(DeliveryReissueCode)
  reissueCode(@Payload() dto: ReissueCodeDto): Promise<OrderView> {
    return this.clearance.reissue(dto);
  }

  @Handles(DeliveryPickList)
  pickList(@Payload() dto: PickListQueryDto): Promise<PickListView> {
    return this.query.pickList(dto);
  }

  @Handles(DeliveryUpsertLocker)
  async upsertLocker(@Payload() dto: UpsertLockerDto): Promise<LockerView> {
    await this.lockers.upsert(dto);
    return (await this.lockers.list()).find((l) => l.code === dto.code)!;
  }

  @Handles(DeliveryListLockers)
  listLockers(): Promise<LockerView[]> {
    return this.lockers.list();
  }

  @Handles(DeliveryClearanceList)
  clearanceList(@Payload() dto: ClearanceQueryDto): Promise<ClearanceEntry[]> {
    return this.clearance.list(dto);
  }

  @Handles(DeliveryClearCompartment)
  clearCompartment(@Payload() dto: ClearCompartmentDto): Promise<OrderView> {
    return this.clearance.clear(dto);
  }

  @Handles(DeliveryDeviceDeposit)
  async deposit(@Payload() dto: DeviceDepositDto): Promise<DepositResult> {
    await this.device.heartbeat(dto);
    return this.device.deposit(dto);
  }

  @Handles(DeliveryDevicePickup)
  async pickup(@Payload() dto: DevicePickupDto): Promise<PickupDecision> {
    await this.device.heartbeat(dto);
    return this.device.pickup(dto);
  }

  @Handles(DeliveryDeviceDoorClosed)
  async doorClosed(@Payload() dto: DeviceDoorClosedDto): Promise<CompartmentView> {
    await this.device.heartbeat(dto);
    return this.device.doorClosed(dto);
  }

  @Handles(DeliveryDeviceReturn)
  async returnItem(@Payload() dto: DeviceReturnDto): Promise<DeviceReturnResult> {
    await this.device.heartbeat(dto);
    return this.device.returnItem(dto);
  }

  @Handles(DeliveryDeviceHeartbeat)
  heartbeat(@Payload() dto: DeviceHeartbeatDto): Promise<DeviceHeartbeatResult> {
    return this.device.heartbeat(dto);
  }

  @Handles(DeliveryRunJobs)
  runJobs(@Payload() dto: RunDeliveryJobsDto): Promise<DeliveryJobsReport> {
    return this.jobs.run(dto);
  }
}
