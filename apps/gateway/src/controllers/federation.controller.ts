import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NatsRpcClient } from '@app/common';
import {
  CreateIllRequestDto,
  ExchangeView,
  FailedExchangeView,
  FederationActOnRequest,
  FederationCreateRequest,
  FederationGetRequest,
  FederationIssuePartnerKey,
  FederationListExchanges,
  FederationListFailed,
  FederationListPartners,
  FederationListRequests,
  FederationListUnits,
  FederationResolveFailed,
  FederationRetryFailed,
  FederationReturnPartnerItem,
  FederationRevokePartnerKey,
  FederationUpsertPartner,
  FederationUpsertUnit,
  IllRequestView,
  IssuedPartnerKey,
  IssuePartnerKeyDto,
  ListExchangesDto,
  ListFailedExchangesDto,
  ListIllRequestsDto,
  ListUnitsDto,
  Page,
  PartnerItemReturnDto,
  PartnerKeyView,
  PartnerView,
  UnitView,
  UpsertPartnerDto,
  UpsertUnitDto,
} from '@app/contracts';
import { ApiKeyAuth, RequireRole } from '../auth/auth.decorators';
import { ActOnIllRequestBodyDto, ResolveFailedExchangeBodyDto } from '../dto';
import type { GatewayRequest } from '../http/gateway-request';

const actor = (req: GatewayRequest) => `staff:${req.apiKey?.name ?? 'unknown'}`;

/** Registry, partner agreements and keys (ops), interlibrary requests and the exchange log (staff). */
@ApiTags('federation')
@ApiKeyAuth()
@Controller('api/federation')
export class FederationController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Get('partners')
  @ApiOperation({ summary: 'Partner agencies with agreements, NCIP settings and their keys (prefixes only)' })
  @ApiOkResponse({ description: 'PartnerView[]' })
  partners(): Promise<PartnerView[]> {
    return this.rpc.call(FederationListPartners, {});
  }

  @Put('partners')
  @RequireRole('ops')
  @ApiOperation({ summary: 'Create or update a partner agency, its agreement and NCIP settings (ops)' })
  @ApiOkResponse({ description: 'PartnerView' })
  upsertPartner(@Body() dto: UpsertPartnerDto): Promise<PartnerView> {
    return this.rpc.call(FederationUpsertPartner, dto);
  }

  @Post('partners/keys')
  @RequireRole('ops')
  @ApiOperation({
    summary:
      'Issue an NCIP key for a partner (ops); shown once. Several may be active: rotate, then revoke the old one',
  })
  @ApiOkResponse({ description: 'IssuedPartnerKey' })
  issueKey(@Body() dto: IssuePartnerKeyDto): Promise<IssuedPartnerKey> {
    return this.rpc.call(FederationIssuePartnerKey, dto);
  }

  @Post('partners/keys/:id/revoke')
  @HttpCode(200)
  @RequireRole('ops')
  @ApiOperation({ summary: 'Revoke a partner NCIP key (ops)' })
  @ApiOkResponse({ description: 'PartnerKeyView' })
  revokeKey(@Param('id', new ParseUUIDPipe()) id: string): Promise<PartnerKeyView> {
    return this.rpc.call(FederationRevokePartnerKey, { id });
  }

  @Get('units')
  @ApiOperation({
    summary: 'Units of the network (central library, branches, 24-hour libraries, locker sites) as a tree by parent',
  })
  @ApiOkResponse({ description: 'UnitView[]' })
  units(@Query() q: ListUnitsDto): Promise<UnitView[]> {
    return this.rpc.call(FederationListUnits, q);
  }

  @Put('units')
  @RequireRole('ops')
  @ApiOperation({ summary: 'Create or update a unit and its parent (ops)' })
  @ApiOkResponse({ description: 'UnitView' })
  upsertUnit(@Body() dto: UpsertUnitDto): Promise<UnitView> {
    return this.rpc.call(FederationUpsertUnit, dto);
  }

  @Get('requests')
  @ApiOperation({ summary: 'Interlibrary requests, both directions, filtered by state, direction or partner' })
  @ApiOkResponse({ description: 'Page<IllRequestView>' })
  requests(@Query() q: ListIllRequestsDto): Promise<Page<IllRequestView>> {
    return this.rpc.call(FederationListRequests, q);
  }

  @Post('requests')
  @ApiOperation({
    summary:
      'Ask a partner for a copy for one of our readers (NCIP RequestItem); not answered → withdrawn there and try_next_partner',
  })
  @ApiOkResponse({ description: 'IllRequestView' })
  createRequest(@Body() dto: CreateIllRequestDto, @Req() req: GatewayRequest): Promise<IllRequestView> {
    return this.rpc.call(FederationCreateRequest, { ...dto, actor: actor(req) });
  }

  @Get('requests/:id')
  @ApiOperation({ summary: 'One interlibrary request with every transition (who, why, when)' })
  @ApiOkResponse({ description: 'IllRequestView' })
  request(@Param('id', new ParseUUIDPipe()) id: string): Promise<IllRequestView> {
    return this.rpc.call(FederationGetRequest, { id });
  }

  @Post('requests/:id/act')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Move an interlibrary request on (confirm, ship, receive, ready, return, ship_home, complete, cancel …)',
  })
  @ApiOkResponse({ description: 'IllRequestView' })
  act(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ActOnIllRequestBodyDto,
    @Req() req: GatewayRequest,
  ): Promise<IllRequestView> {
    return this.rpc.call(FederationActOnRequest, {
      id,
      action: body.action,
      reason: body.reason,
      actor: actor(req),
    });
  }

  @Get('exchanges')
  @ApiOperation({
    summary: 'The NCIP exchange log (PINs and keys redacted): what support looks at first when a partner calls',
  })
  @ApiOkResponse({ description: 'Page<ExchangeView>' })
  exchanges(@Query() q: ListExchangesDto): Promise<Page<ExchangeView>> {
    return this.rpc.call(FederationListExchanges, q);
  }

  @Get('failed')
  @ApiOperation({ summary: 'Exchanges with partners that failed after retries and need a person' })
  @ApiOkResponse({ description: 'Page<FailedExchangeView>' })
  failed(@Query() q: ListFailedExchangesDto): Promise<Page<FailedExchangeView>> {
    return this.rpc.call(FederationListFailed, q);
  }

  @Post('failed/:id/retry')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send a failed exchange again (the compensation once the partner is back); resolved when accepted',
  })
  @ApiOkResponse({ description: 'FailedExchangeView' })
  retry(@Param('id', new ParseUUIDPipe()) id: string, @Req() req: GatewayRequest): Promise<FailedExchangeView> {
    return this.rpc.call(FederationRetryFailed, { id, actor: actor(req) });
  }

  @Post('returns')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "A partner's item returned here: its loan closed, reported home (NCIP CheckInItem), queued for shipment home",
  })
  @ApiOkResponse({ description: 'IllRequestView (state returned)' })
  returnPartnerItem(@Body() dto: PartnerItemReturnDto): Promise<IllRequestView> {
    return this.rpc.call(FederationReturnPartnerItem, dto);
  }

  @Post('failed/:id/resolve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark a failed exchange as dealt with' })
  @ApiOkResponse({ description: 'FailedExchangeView' })
  resolve(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ResolveFailedExchangeBodyDto,
    @Req() req: GatewayRequest,
  ): Promise<FailedExchangeView> {
    return this.rpc.call(FederationResolveFailed, { id, note: body.note, actor: actor(req) });
  }
}
