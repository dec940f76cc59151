import { Body, Controller, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CheckinDto, CheckinResult, CheckoutDto, CheckoutResult, RenewDto, RenewResult } from '@app/contracts';
import { ErrorResponseDto } from '../dto';
import { ApiKeyAuth } from '../auth/auth.decorators';
import { GatewayRequest, pinOriginOf } from '../http/gateway-request';
import { CirculationApiService } from '../services/circulation-api.service';
import { ApiIdempotencyKey, IdempotencyKey } from '../http/idempotency-key';

@ApiTags('circulation')
@ApiKeyAuth()
@Controller('api/circulation')
export class CirculationController {
  constructor(private readonly circulation: CirculationApiService) {}

  @Post('checkout')
  @ApiOperation({ summary: 'Lend an item to a patron' })
  @ApiCreatedResponse({
    description: 'CheckoutResult: loan.dueAt (UTC) and loan.dueDate (library-local day) and the rule applied',
  })
  @ApiConflictResponse({
    description: 'a refusal: PATRON_BLOCKED, CARD_EXPIRED, TOO_MANY_ITEMS, ITEM_ALREADY_ON_LOAN …',
    type: ErrorResponseDto,
  })
  @ApiIdempotencyKey()
  checkout(
    @Body() dto: CheckoutDto,
    @Req() req: GatewayRequest,
    @IdempotencyKey() key?: string,
  ): Promise<CheckoutResult> {
    return this.circulation.checkout(
      { ...dto, ...(dto.pin !== undefined ? { pinOrigin: pinOriginOf(req) } : {}) },
      key,
    );
  }

  @Post('checkin')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Return an item (answered even when it was not on loan)' })
  @ApiOkResponse({ description: 'CheckinResult with the destination and transit flag' })
  @ApiIdempotencyKey()
  checkin(@Body() dto: CheckinDto, @IdempotencyKey() key?: string): Promise<CheckinResult> {
    return this.circulation.checkin(dto, key);
  }

  @Post('renew')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Renew a loan' })
  @ApiOkResponse({ description: 'RenewResult with the new due date' })
  @ApiConflictResponse({ description: 'RENEWAL_LIMIT_REACHED, RENEWAL_REFUSED_HOLDS …', type: ErrorResponseDto })
  @ApiIdempotencyKey()
  renew(@Body() dto: RenewDto, @IdempotencyKey() key?: string): Promise<RenewResult> {
    return this.circulation.renew(dto, key);
  }
}
