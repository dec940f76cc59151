import { Injectable } from '@nestjs/common';
import { NatsRpcClient } from '@app/common';
import { CheckinDto, CheckinResult, CheckoutDto, CheckoutResult, LoanSubjects, RenewDto, RenewResult } from '@app/contracts';

/** Checkout, checkin and renew: forwarded to the loans service, which owns the rules. */
@Injectable()
export class CirculationApiService {
  constructor(private readonly rpc: NatsRpcClient) {}

  checkout(dto: CheckoutDto): Promise<CheckoutResult> {
    return this.rpc.request(LoanSubjects.checkout, dto);
  }

  checkin(dto: CheckinDto): Promise<CheckinResult> {
    return this.rpc.request(LoanSubjects.checkin, dto);
  }

  renew(dto: RenewDto): Promise<RenewResult> {
    return this.rpc.request(LoanSubjects.renew, dto);
  }
}
