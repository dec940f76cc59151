import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError, NatsRpcClient, RemoteError } from '@app/common';
import {
  DeliveryGetOrder,
  DeliveryListOrders,
  DeliveryOrderStep,
  DeliveryPlaceOrder,
  DeliveryReissueCode,
  DeliverySearchStock,
  ErrorCode,
  OrderIdParamDto,
  OrderView,
  Page,
  PatronsVerifyPin,
  ReaderLoginDto,
  ReaderOrderBodyDto,
  ReaderOrdersQueryDto,
  ReaderTokenView,
  RequestIdBodyDto,
  SearchStockDto,
  StockTitleView,
} from '@app/contracts';
import { Public, ReaderAuth } from '../auth/auth.decorators';
import { ReaderTokenService } from '../auth/reader-token.service';
import { GatewayRequest } from '../http/gateway-request';

/** placing an order asks loans for a dry run and a hold per title: more than one round trip */
export const PLACE_ORDER_TIMEOUT_MS = 15_000;

/** The O2O app's reader endpoints: a reader sees and acts on their own orders only. */
@ApiTags('reader')
@Controller('api/reader')
export class ReaderController {
  constructor(
    private readonly rpc: NatsRpcClient,
    private readonly tokens: ReaderTokenService,
  ) {}

  @Post('login')
  @Public()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Log in with card and PIN; answers a short-lived reader token' })
  @ApiOkResponse({ description: 'ReaderTokenView' })
  async login(@Body() dto: ReaderLoginDto): Promise<ReaderTokenView> {
    // an unknown card answers like a wrong PIN: the login does not tell which cards exist
    const res = await this.rpc.call(PatronsVerifyPin, dto).catch((err: unknown) => {
      if (err instanceof RemoteError && err.code === ErrorCode.PatronUnknown)
        throw new DomainError(ErrorCode.PinInvalid, 'card or PIN is wrong');
      throw err;
    });
    if (res.throttled) throw new DomainError(ErrorCode.PinThrottled, 'too many wrong PINs: try again later');
    if (!res.valid) throw new DomainError(ErrorCode.PinInvalid, 'card or PIN is wrong');
    const { token, expiresAt } = this.tokens.issue({ agency: dto.agency, barcode: dto.barcode });
    return {
      token,
      tokenType: 'Bearer',
      expiresAt,
      patron: { agency: dto.agency, barcode: dto.barcode, name: res.patron.name },
    };
  }

  @Get('stock')
  @ReaderAuth()
  @ApiOperation({ summary: 'Search the lending stock: titles with the number of copies that can be ordered' })
  @ApiOkResponse({ description: 'Page<StockTitleView>' })
  stock(@Query() q: SearchStockDto): Promise<Page<StockTitleView>> {
    return this.rpc.call(DeliverySearchStock, q);
  }

  @Post('orders')
  @ReaderAuth()
  @ApiOperation({ summary: 'Order titles to a locker or home; one copy of each is reserved at once' })
  @ApiCreatedResponse({ description: 'OrderView (status placed)' })
  order(@Req() req: GatewayRequest, @Body() body: ReaderOrderBodyDto): Promise<OrderView> {
    const patron = req.reader!;
    return this.rpc.call(
      DeliveryPlaceOrder,
      { ...body, patron, actor: { kind: 'reader', id: patron.barcode } },
      { timeoutMs: PLACE_ORDER_TIMEOUT_MS },
    );
  }

  @Get('orders')
  @ReaderAuth()
  @ApiOperation({ summary: 'My orders, newest first' })
  @ApiOkResponse({ description: 'Page<OrderView>' })
  orders(@Req() req: GatewayRequest, @Query() q: ReaderOrdersQueryDto): Promise<Page<OrderView>> {
    return this.rpc.call(DeliveryListOrders, { ...q, patron: req.reader! });
  }

  @Get('orders/:id')
  @ReaderAuth()
  @ApiOperation({ summary: 'One of my orders with its timeline' })
  @ApiOkResponse({ description: 'OrderView with timeline' })
  get(@Req() req: GatewayRequest, @Param() p: OrderIdParamDto): Promise<OrderView> {
    return this.rpc.call(DeliveryGetOrder, { orderId: p.id, patron: req.reader! });
  }

  @Post('orders/:id/cancel')
  @ReaderAuth()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Cancel my order (until it is packed)' })
  @ApiOkResponse({ description: 'OrderView (cancelled)' })
  cancel(@Req() req: GatewayRequest, @Param() p: OrderIdParamDto, @Body() body: RequestIdBodyDto): Promise<OrderView> {
    const patron = req.reader!;
    return this.rpc.call(DeliveryOrderStep, {
      requestId: body.requestId,
      orderId: p.id,
      patron,
      step: 'cancel',
      actor: { kind: 'reader', id: patron.barcode },
    });
  }

  @Post('orders/:id/reissue-code')
  @ReaderAuth()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'A new pickup code for my parcel in a locker (e.g. after the old one locked); it arrives as a notice',
  })
  @ApiOkResponse({ description: 'OrderView' })
  reissue(@Req() req: GatewayRequest, @Param() p: OrderIdParamDto, @Body() body: RequestIdBodyDto): Promise<OrderView> {
    const patron = req.reader!;
    return this.rpc.call(DeliveryReissueCode, {
      requestId: body.requestId,
      orderId: p.id,
      patron,
      actor: { kind: 'reader', id: patron.barcode },
    });
  }
}
