import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ClearanceEntry,
  ClearanceQueryDto,
  ClearCompartmentDto,
  CompartmentView,
  DeliveryJobsReport,
  DeliverySubjects,
  DepositResult,
  DeviceDepositDto,
  DeviceDoorClosedDto,
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

  @MessagePattern(DeliverySubjects.searchStock)
  searchStock(@Payload() dto: SearchStockDto): Promise<Page<StockTitleView>> {
    return this.stock.search(dto);
  }

  @MessagePattern(DeliverySubjects.placeOrder)
  placeOrder(@Payload() dto: PlaceOrderDto): Promise<OrderView> {
    return this.place.execute(dto);
  }

  @MessagePattern(DeliverySubjects.listOrders)
  listOrders(@Payload() dto: ListOrdersDto): Promise<Page<OrderView>> {
    return this.query.list(dto);
  }

  @MessagePattern(DeliverySubjects.getOrder)
  getOrder(@Payload() dto: OrderRefDto): Promise<OrderView> {
    return this.query.get(dto);
  }

  @MessagePattern(DeliverySubjects.step)
  step(@Payload() dto: OrderStepDto): Promise<OrderView> {
    return this.steps.step(dto);
  }

  @MessagePattern(DeliverySubjects.reissueCode)
  reissueCode(@Payload() dto: ReissueCodeDto): Promise<OrderView> {
    return this.clearance.reissue(dto);
  }

  @MessagePattern(DeliverySubjects.pickList)
  pickList(@Payload() dto: PickListQueryDto): Promise<PickListView> {
    return this.query.pickList(dto);
  }

  @MessagePattern(DeliverySubjects.upsertLocker)
  async upsertLocker(@Payload() dto: UpsertLockerDto): Promise<LockerView> {
    await this.lockers.upsert(dto);
    return (await this.lockers.list()).find((l) => l.code === dto.code)!;
  }

  @MessagePattern(DeliverySubjects.listLockers)
  listLockers(): Promise<LockerView[]> {
    return this.lockers.list();
  }

  @MessagePattern(DeliverySubjects.clearanceList)
  clearanceList(@Payload() dto: ClearanceQueryDto): Promise<ClearanceEntry[]> {
    return this.clearance.list(dto);
  }

  @MessagePattern(DeliverySubjects.clearCompartment)
  clearCompartment(@Payload() dto: ClearCompartmentDto): Promise<OrderView> {
    return this.clearance.clear(dto);
  }

  @MessagePattern(DeliverySubjects.deviceDeposit)
  deposit(@Payload() dto: DeviceDepositDto): Promise<DepositResult> {
    return this.device.deposit(dto);
  }

  @MessagePattern(DeliverySubjects.devicePickup)
  pickup(@Payload() dto: DevicePickupDto): Promise<PickupDecision> {
    return this.device.pickup(dto);
  }

  @MessagePattern(DeliverySubjects.deviceDoorClosed)
  doorClosed(@Payload() dto: DeviceDoorClosedDto): Promise<CompartmentView> {
    return this.device.doorClosed(dto);
  }

  @MessagePattern(DeliverySubjects.deviceReturn)
  returnItem(@Payload() dto: DeviceReturnDto): Promise<DeviceReturnResult> {
    return this.device.returnItem(dto);
  }

  @MessagePattern(DeliverySubjects.runJobs)
  runJobs(@Payload() dto: RunDeliveryJobsDto): Promise<DeliveryJobsReport> {
    return this.jobs.run(dto);
  }
}
