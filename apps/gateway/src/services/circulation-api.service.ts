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
import { IdempotentWrites } from '../http/idempotency-key';

/** Checkout, checkin and renew: forwarded to the loans service, which owns the rules. A staff desk
 * is the HTTP API's channel unless the caller names another (statistics count by channel). */
@Injectable()
export class CirculationApiService {
  constructor(
    private readonly rpc: NatsRpcClient,
    private readonly writes: IdempotentWrites,
  ) {}

  checkout(dto: CheckoutDto, idempotencyKey?: string): Promise<CheckoutResult> {
    return this.writes.write(LoansCheckout, { ...dto, channel: dto.channel ?? 'desk' }, idempotencyKey);
  }

  checkin(dto: CheckinDto, idempotencyKey?: string): Promise<CheckinResult> {
    return this.writes.write(LoansCheckin, { ...dto, channel: dto.channel ?? 'desk' }, idempotencyKey);
  }

  renew(dto: RenewDto, idempotencyKey?: string): Promise<RenewResult> {
    return this.writes.write(LoansRenew, { ...dto, channel: dto.channel ?? 'desk' }, idempotencyKey);
  }
}
