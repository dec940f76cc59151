import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query, Req } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { NatsRpcClient } from '@app/common';
import {
  HoldExpiryReport,
  HoldShelf,
  HoldView,
  ListHoldsDto,
  LoansHoldsCancel,
  LoansHoldsExpire,
  LoansHoldsList,
  LoansHoldsPickList,
  LoansHoldsPlace,
  LoansHoldsShelf,
  Page,
  PickList,
  PlaceHoldDto,
} from '@app/contracts';
import {
  BranchCodeParamDto,
  BranchHoldsQueryDto,
  CancelHoldBodyDto,
  ErrorResponseDto,
  HoldIdParamDto,
  ListHoldsQueryDto,
} from '../dto';
import { ApiKeyAuth, RequireRole } from '../auth/auth.decorators';
import { GatewayRequest, pinOriginOf } from '../http/gateway-request';
import { ApiIdempotencyKey, IdempotencyKey, IdempotentWrites } from '../http/idempotency-key';

/** Holds, hold shelves and pick lists: thin forwarders to the loans service (loans.holds.*.v1). */
@ApiTags('holds')
@ApiKeyAuth()
@Controller('api/holds')
export class HoldsController {
  constructor(
    private readonly rpc: NatsRpcClient,
    private readonly writes: IdempotentWrites,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Place a hold on a title (recordId) or one item, for pickup at a branch or locker' })
  @ApiCreatedResponse({ description: 'HoldView (status waiting, queuePosition)' })
  @ApiConflictResponse({
    description: 'HOLD_ALREADY_PLACED, HOLD_PATRON_HAS_ITEM, HOLD_NOT_ALLOWED, HOLD_PICKUP_INVALID, PATRON_BLOCKED …',
    type: ErrorResponseDto,
  })
  @ApiIdempotencyKey()
  place(@Body() dto: PlaceHoldDto, @Req() req: GatewayRequest, @IdempotencyKey() key?: string): Promise<HoldView> {
    return this.writes.write(
      LoansHoldsPlace,
      { ...dto, ...(dto.pin !== undefined ? { pinOrigin: pinOriginOf(req) } : {}) },
      key,
    );
  }

  @Get()
  @ApiOperation({
    summary:
      "A patron's holds (patronAgency+patronBarcode), a title's queue (recordId) or an item's (itemAgency+itemBarcode)",
  })
  @ApiOkResponse({ description: 'Page<HoldView>' })
  list(@Query() q: ListHoldsQueryDto): Promise<Page<HoldView>> {
    const dto: ListHoldsDto = {
      ...(q.patronAgency || q.patronBarcode ? { patron: { agency: q.patronAgency!, barcode: q.patronBarcode! } } : {}),
      ...(q.recordId ? { recordId: q.recordId } : {}),
      ...(q.itemAgency || q.itemBarcode ? { item: { agency: q.itemAgency!, barcode: q.itemBarcode! } } : {}),
      ...(q.status ? { status: q.status } : {}),
      ...(q.limit !== undefined ? { limit: q.limit } : {}),
      ...(q.offset !== undefined ? { offset: q.offset } : {}),
    };
    return this.rpc.call(LoansHoldsList, dto);
  }

  @Post(':id/cancel')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Cancel a hold (a copy on the hold shelf goes to the next in the queue)' })
  @ApiOkResponse({ description: 'HoldView (status cancelled)' })
  @ApiNotFoundResponse({ description: 'HOLD_NOT_FOUND', type: ErrorResponseDto })
  @ApiIdempotencyKey()
  cancel(
    @Param() p: HoldIdParamDto,
    @Body() body: CancelHoldBodyDto,
    @IdempotencyKey() key?: string,
  ): Promise<HoldView> {
    return this.writes.write(LoansHoldsCancel, { ...body, holdId: p.id }, key);
  }

  @Get('shelf/:code')
  @ApiOperation({
    summary: "A branch's hold shelf: copies waiting for pickup (deadline order), expired ones flagged to pull",
  })
  @ApiOkResponse({ description: 'HoldShelf' })
  shelf(@Param() p: BranchCodeParamDto, @Query() q: BranchHoldsQueryDto): Promise<HoldShelf> {
    return this.rpc.call(LoansHoldsShelf, { ...q, branch: p.code });
  }

  @Get('pick-list/:code')
  @ApiOperation({ summary: "A branch's pick list: available copies on its shelves to pull for waiting holds" })
  @ApiOkResponse({ description: 'PickList' })
  pickList(@Param() p: BranchCodeParamDto, @Query() q: BranchHoldsQueryDto): Promise<PickList> {
    return this.rpc.call(LoansHoldsPickList, { ...q, branch: p.code });
  }

  @Post('expire')
  @HttpCode(HttpStatus.OK)
  @RequireRole('ops')
  @ApiOperation({ summary: 'Run the hold expiry job now (it also runs periodically in the loans service)' })
  @ApiOkResponse({ description: 'HoldExpiryReport' })
  expire(): Promise<HoldExpiryReport> {
    return this.rpc.call(LoansHoldsExpire, {});
  }
}
