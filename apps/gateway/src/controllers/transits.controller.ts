import { Body, Controller, Get, HttpCode, HttpStatus, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NatsRpcClient } from '@app/common';
import {
  CheckinResult,
  FloatingRuleView,
  ListTransitsDto,
  LoansFloatingRulesList,
  LoansFloatingRulesUpsert,
  LoansTransitsList,
  LoansTransitsReceive,
  Page,
  ReceiveTransitDto,
  TransitView,
  UpsertFloatingRuleDto,
} from '@app/contracts';
import { ApiKeyAuth, RequireRole } from '../auth/auth.decorators';

/** Transits between branches (return anywhere) and the floating rules: forwarded to loans.transits.*.v1. */
@ApiTags('transits')
@ApiKeyAuth()
@Controller('api/transits')
export class TransitsController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Get()
  @ApiOperation({ summary: 'Transits, open by default; with branch: incoming, outgoing or both' })
  @ApiOkResponse({ description: 'Page<TransitView>' })
  list(@Query() q: ListTransitsDto): Promise<Page<TransitView>> {
    return this.rpc.call(LoansTransitsList, q);
  }

  @Post('receive')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'An item arrived at a branch (same as a checkin there): received, and shelved or put on the hold shelf',
  })
  @ApiOkResponse({ description: 'CheckinResult (hold, sortBin, destination)' })
  receive(@Body() dto: ReceiveTransitDto): Promise<CheckinResult> {
    return this.rpc.call(LoansTransitsReceive, dto);
  }

  @Get('floating-rules')
  @ApiOperation({ summary: 'Item types that stay where they are returned, per agency' })
  @ApiOkResponse({ description: 'FloatingRuleView[]' })
  floatingRules(): Promise<FloatingRuleView[]> {
    return this.rpc.call(LoansFloatingRulesList, {});
  }

  @Put('floating-rules')
  @RequireRole('ops')
  @ApiOperation({ summary: 'Set whether an item type floats in an agency (* for all)' })
  @ApiOkResponse({ description: 'FloatingRuleView' })
  upsertFloatingRule(@Body() dto: UpsertFloatingRuleDto): Promise<FloatingRuleView> {
    return this.rpc.call(LoansFloatingRulesUpsert, dto);
  }
}
