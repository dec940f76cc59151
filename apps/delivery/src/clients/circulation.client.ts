import { Injectable } from '@nestjs/common';
import { DomainError, NatsRpcClient, RemoteError } from '@app/common';
import {
  CancelHoldDto,
  CatalogSubjects,
  CheckinDto,
  CheckinResult,
  CheckoutDto,
  CheckoutResult,
  ErrorCode,
  HoldSubjects,
  HoldView,
  ItemView,
  LoanDryRunDto,
  LoanDryRunResult,
  LoanRuleSubjects,
  LoanSubjects,
  Page,
  PlaceHoldDto,
  SearchItemsDto,
} from '@app/contracts';

/** A remote refusal re-thrown as this service's own error with the same stable code. */
export function asDomainError(err: unknown): unknown {
  return err instanceof RemoteError ? new DomainError(err.code as ErrorCode, err.message, err.details) : err;
}

/** The loans and catalog calls the delivery service makes (NATS request/reply, with the default timeout). */
@Injectable()
export class CirculationClient {
  constructor(private readonly rpc: NatsRpcClient) {}

  dryRun(dto: LoanDryRunDto): Promise<LoanDryRunResult> {
    return this.rpc.request(LoanRuleSubjects.dryRun, dto);
  }

  placeHold(dto: PlaceHoldDto): Promise<HoldView> {
    return this.rpc.request(HoldSubjects.place, dto);
  }

  cancelHold(dto: CancelHoldDto): Promise<HoldView> {
    return this.rpc.request(HoldSubjects.cancel, dto);
  }

  checkout(dto: CheckoutDto): Promise<CheckoutResult> {
    return this.rpc.request(LoanSubjects.checkout, dto);
  }

  checkin(dto: CheckinDto): Promise<CheckinResult> {
    return this.rpc.request(LoanSubjects.checkin, dto);
  }

  searchItems(dto: SearchItemsDto): Promise<Page<ItemView>> {
    return this.rpc.request(CatalogSubjects.searchItems, dto);
  }
}
