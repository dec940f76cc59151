import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NatsRpcClient } from '@app/common';
import {
  ActorDto,
  ClearanceEntry,
  ClearanceQueryDto,
  DeliveryJobsReport,
  DeliveryClearCompartment,
  DeliveryClearanceList,
  DeliveryGetOrder,
  DeliveryListLockers,
  DeliveryListOrders,
  DeliveryOrderStep,
  DeliveryPickList,
  DeliveryPlaceOrder,
  DeliveryReissueCode,
  DeliveryRunJobs,
  DeliveryUpsertLocker,
  ListOrdersDto,
  LockerCompartmentParamDto,
  LockerView,
  OrderIdParamDto,
  OrderStep,
  OrderStepBodyDto,
  OrderView,
  Page,
  PickListQueryDto,
  PickListView,
  RequestIdBodyDto,
  RunDeliveryJobsDto,
  StaffOrdersQueryDto,
  StaffPlaceOrderDto,
  UpsertLockerDto,
} from '@app/contracts';
import { ApiKeyAuth, RequireRole } from '../auth/auth.decorators';
import { GatewayRequest } from '../http/gateway-request';
import { PLACE_ORDER_TIMEOUT_MS } from './reader.controller';

const staff = (req: GatewayRequest): ActorDto => ({ kind: 'staff', id: req.apiKey!.name });

/** O2O fulfilment for staff: orders, pick list, the steps of a parcel, lockers and the clearance list. */
@ApiTags('delivery')
@ApiKeyAuth()
@Controller('api/delivery')
export class DeliveryController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Post('orders')
  @ApiOperation({ summary: 'Place an order for a reader (desk, phone order)' })
  @ApiCreatedResponse({ description: 'OrderView' })
  place(@Req() req: GatewayRequest, @Body() dto: StaffPlaceOrderDto): Promise<OrderView> {
    return this.rpc.call(DeliveryPlaceOrder, { ...dto, actor: staff(req) }, { timeoutMs: PLACE_ORDER_TIMEOUT_MS });
  }

  @Get('orders')
  @ApiOperation({ summary: 'Orders by reader, status or locker (personal data masked)' })
  @ApiOkResponse({ description: 'Page<OrderView>' })
  list(@Query() q: StaffOrdersQueryDto): Promise<Page<OrderView>> {
    const dto: ListOrdersDto = {
      ...(q.patronAgency && q.patronBarcode ? { patron: { agency: q.patronAgency, barcode: q.patronBarcode } } : {}),
      ...(q.status ? { status: q.status } : {}),
      ...(q.locker ? { locker: q.locker } : {}),
      ...(q.limit !== undefined ? { limit: q.limit } : {}),
      ...(q.offset !== undefined ? { offset: q.offset } : {}),
    };
    return this.rpc.call(DeliveryListOrders, dto);
  }

  @Get('orders/:id')
  @ApiOperation({ summary: 'An order with its timeline (who, where, when)' })
  @ApiOkResponse({ description: 'OrderView with timeline' })
  get(@Param() p: OrderIdParamDto): Promise<OrderView> {
    return this.rpc.call(DeliveryGetOrder, { orderId: p.id });
  }

  @Get('pick-list')
  @ApiOperation({ summary: 'Copies to pull from the lending stock for placed orders, oldest first' })
  @ApiOkResponse({ description: 'PickListView' })
  pickList(@Query() q: PickListQueryDto): Promise<PickListView> {
    return this.rpc.call(DeliveryPickList, q);
  }

  @Post('orders/:id/pick')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Picked from the shelf (idempotent on requestId)' })
  pick(@Req() req: GatewayRequest, @Param() p: OrderIdParamDto, @Body() b: OrderStepBodyDto): Promise<OrderView> {
    return this.step(req, p.id, 'pick', b);
  }

  @Post('orders/:id/pack')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Packed into one parcel (idempotent on requestId)' })
  pack(@Req() req: GatewayRequest, @Param() p: OrderIdParamDto, @Body() b: OrderStepBodyDto): Promise<OrderView> {
    return this.step(req, p.id, 'pack', b);
  }

  @Post('orders/:id/dispatch')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'On the locker run (locker orders; idempotent on requestId)' })
  dispatch(@Req() req: GatewayRequest, @Param() p: OrderIdParamDto, @Body() b: OrderStepBodyDto): Promise<OrderView> {
    return this.step(req, p.id, 'dispatch', b);
  }

  @Post('orders/:id/hand-over')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Handed to a courier: carrier, tracking number, fee and subsidy in fen (home orders)' })
  handOver(@Req() req: GatewayRequest, @Param() p: OrderIdParamDto, @Body() b: OrderStepBodyDto): Promise<OrderView> {
    return this.step(req, p.id, 'hand_over', b);
  }

  @Post('orders/:id/delivered')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Delivered to the reader: every book is checked out (channel delivery)' })
  delivered(@Req() req: GatewayRequest, @Param() p: OrderIdParamDto, @Body() b: OrderStepBodyDto): Promise<OrderView> {
    return this.step(req, p.id, 'delivered', b);
  }

  @Post('orders/:id/failed')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Delivery failed: the books go back to stock and their copies are released' })
  failed(@Req() req: GatewayRequest, @Param() p: OrderIdParamDto, @Body() b: OrderStepBodyDto): Promise<OrderView> {
    return this.step(req, p.id, 'failed', b);
  }

  @Post('orders/:id/cancel')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Cancel (staff: any time before collection); the copies are released' })
  cancel(@Req() req: GatewayRequest, @Param() p: OrderIdParamDto, @Body() b: OrderStepBodyDto): Promise<OrderView> {
    return this.step(req, p.id, 'cancel', b);
  }

  @Post('orders/:id/reissue-code')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'A new pickup code for a parcel in a locker (sent to the reader)' })
  reissue(@Req() req: GatewayRequest, @Param() p: OrderIdParamDto, @Body() b: RequestIdBodyDto): Promise<OrderView> {
    return this.rpc.call(DeliveryReissueCode, { requestId: b.requestId, orderId: p.id, actor: staff(req) });
  }

  @Get('lockers')
  @ApiOperation({ summary: 'Locker sites with their compartments' })
  @ApiOkResponse({ description: 'LockerView[]' })
  lockers(): Promise<LockerView[]> {
    return this.rpc.call(DeliveryListLockers, {});
  }

  @Put('lockers')
  @RequireRole('ops')
  @ApiOperation({ summary: 'Register or change a locker site and add compartments (ops)' })
  @ApiOkResponse({ description: 'LockerView' })
  upsertLocker(@Body() dto: UpsertLockerDto): Promise<LockerView> {
    return this.rpc.call(DeliveryUpsertLocker, dto);
  }

  @Get('clearance')
  @ApiOperation({ summary: 'Compartments to empty: expired or cancelled parcels still inside' })
  @ApiOkResponse({ description: 'ClearanceEntry[]' })
  clearance(@Query() q: ClearanceQueryDto): Promise<ClearanceEntry[]> {
    return this.rpc.call(DeliveryClearanceList, q);
  }

  @Post('lockers/:code/compartments/:number/clear')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Emptied by staff: the books go back to stock, the compartment is free (idempotent on requestId)',
  })
  clear(
    @Req() req: GatewayRequest,
    @Param() p: LockerCompartmentParamDto,
    @Body() b: RequestIdBodyDto,
  ): Promise<OrderView> {
    return this.rpc.call(DeliveryClearCompartment, {
      requestId: b.requestId,
      locker: p.code,
      compartment: p.number,
      actor: { ...staff(req), location: p.code },
    });
  }

  @Post('jobs/run')
  @RequireRole('ops')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Run the expiry and reminder jobs now (ops); `at` runs them as of that instant' })
  @ApiOkResponse({ description: 'DeliveryJobsReport' })
  runJobs(@Body() dto: RunDeliveryJobsDto): Promise<DeliveryJobsReport> {
    return this.rpc.call(DeliveryRunJobs, dto);
  }

  private step(req: GatewayRequest, orderId: string, step: OrderStep, b: OrderStepBodyDto): Promise<OrderView> {
    const { location, ...rest } = b;
    return this.rpc.call(DeliveryOrderStep, {
      ...rest,
      orderId,
      step,
      actor: { ...staff(req), ...(location ? { location } : {}) },
    });
  }
}
