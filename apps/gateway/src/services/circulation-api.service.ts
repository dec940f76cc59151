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

/** Checkout, checkin and renew: forwarded to the loans service, which owns the rules. */
@Injectable()
export class CirculationApiService {
  constructor(private readonly rpc: NatsRpcClient) {}

  checkout(dto: CheckoutDto): Promise<CheckoutResult> {
    return this.rpc.call(LoansCheckout, dto);
  }

  checkin(dto: CheckinDto): Promise<CheckinResult> {
    return this.rpc.call(LoansCheckin, dto);
  }

  renew(dto: RenewDto): Promise<RenewResult> {
    return this.rpc.call(LoansRenew, dto);
  }
}
