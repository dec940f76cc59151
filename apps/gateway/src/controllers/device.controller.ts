import { Body, Controller, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError, NatsRpcClient } from '@app/common';
import {
  CompartmentView,
  DeliveryDeviceDeposit,
  DeliveryDeviceDoorClosed,
  DeliveryDeviceHeartbeat,
  DeliveryDevicePickup,
  DeliveryDeviceReturn,
  DepositResult,
  DeviceDepositBodyDto,
  DeviceDoorClosedBodyDto,
  DeviceHeartbeatResult,
  DevicePickupBodyDto,
  DeviceReturnBodyDto,
  DeviceReturnResult,
  ErrorCode,
  PickupDecision,
} from '@app/contracts';
import { ApiKeyAuth, RequireRole } from '../auth/auth.decorators';
import { GatewayRequest } from '../http/gateway-request';

/** The locker and the actor of a device call come from its key, never from the body. */
function bound(req: GatewayRequest): { locker: string; actor: { kind: 'device'; id: string; location: string } } {
  const key = req.apiKey!;
  if (!key.locker) throw new DomainError(ErrorCode.Forbidden, `key "${key.name}" is not bound to a locker`);
  return { locker: key.locker, actor: { kind: 'device', id: key.name, location: key.locker } };
}

/**
 * Smart-locker controllers (docs/o2o-delivery.md, "Device API"). Every call carries a requestId: a retry
 * with the same id gets the same answer and has no second effect.
 */
@ApiTags('device')
@ApiKeyAuth()
@RequireRole('device')
@Controller('api/device')
export class DeviceController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Post('heartbeat')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'The controller is alive (every minute or so; any device call counts too). No body.',
    description:
      'A locker that called before and then not for LOCKER_SILENT_AFTER_SECONDS (default 300) is silent: orders for it are refused (LOCKER_OFFLINE) and delivery_locker_online is 0 until it calls again.',
  })
  @ApiOkResponse({ description: 'DeviceHeartbeatResult' })
  heartbeat(@Req() req: GatewayRequest): Promise<DeviceHeartbeatResult> {
    return this.rpc.call(DeliveryDeviceHeartbeat, bound(req));
  }

  @Post('deposit')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'A parcel is loaded: answers the compartment to open (or awaiting_compartment when full)' })
  @ApiOkResponse({ description: 'DepositResult' })
  deposit(@Req() req: GatewayRequest, @Body() b: DeviceDepositBodyDto): Promise<DepositResult> {
    return this.rpc.call(DeliveryDeviceDeposit, { ...b, ...bound(req) });
  }

  @Post('pickup')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Card + pickup code → door decision (open: the books are lent; shut: the reason)' })
  @ApiOkResponse({ description: 'PickupDecision' })
  pickup(@Req() req: GatewayRequest, @Body() b: DevicePickupBodyDto): Promise<PickupDecision> {
    return this.rpc.call(DeliveryDevicePickup, { ...b, ...bound(req) });
  }

  @Post('door-closed')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'A door was closed (an emptied compartment becomes free)' })
  @ApiOkResponse({ description: 'CompartmentView' })
  doorClosed(@Req() req: GatewayRequest, @Body() b: DeviceDoorClosedBodyDto): Promise<CompartmentView> {
    return this.rpc.call(DeliveryDeviceDoorClosed, { ...b, ...bound(req) });
  }

  @Post('return')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'A book dropped into the locker: checked in at the locker location' })
  @ApiOkResponse({ description: 'DeviceReturnResult' })
  returnItem(@Req() req: GatewayRequest, @Body() b: DeviceReturnBodyDto): Promise<DeviceReturnResult> {
    return this.rpc.call(DeliveryDeviceReturn, { ...b, ...bound(req) });
  }
}
