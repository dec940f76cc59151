import { Injectable } from '@nestjs/common';
import { NatsRpcClient } from '@app/common';
import {
  CheckinDto,
  CheckinResult,
  CheckoutDto,
  CheckoutResult,
  LoansCheckin,
  LoansCheckout,
  LoansRenew,
  RenewDto,
  RenewResult,
} from '@app/contracts';

/** Checkout, checkin and renew: forwarded to the loans service, which owns the rules. A staff desk
 * is the HTTP API's channel unless the caller names another (statistics count by channel). */
@Injectable()
export class CirculationApiService {
  constructor(private readonly rpc: NatsRpcClient) {}

  checkout(dto: CheckoutDto): Promise<CheckoutResult> {
    return this.rpc.call(LoansCheckout, { ...dto, channel: dto.channel ?? 'desk' });
  }

  checkin(dto: CheckinDto): Promise<CheckinResult> {
    return this.rpc.call(LoansCheckin, { ...dto, channel: dto.channel ?? 'desk' });
  }

  renew(dto: RenewDto): Promise<RenewResult> {
    return this.rpc.call(LoansRenew, { ...dto, channel: dto.channel ?? 'desk' });
  }
}
