import { Injectable } from '@nestjs/common';
import { DomainError, NatsRpcClient, RemoteError } from '@app/common';
import {
  CancelHoldDto,
  CatalogSearchItems,
  CheckinDto,
  CheckinResult,
  CheckoutDto,
  CheckoutResult,
  ErrorCode,
  LoansHoldsCancel,
  LoansHoldsPlace,
  HoldView,
  ItemView,
  LoanDryRunDto,
  LoanDryRunResult,
  LoansRulesDryRun,
  LoansCheckin,
  LoansCheckout,
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
    return this.rpc.call(LoansRulesDryRun, dto);
  }

  placeHold(dto: PlaceHoldDto): Promise<HoldView> {
    return this.rpc.call(LoansHoldsPlace, dto);
  }

  cancelHold(dto: CancelHoldDto): Promise<HoldView> {
    return this.rpc.call(LoansHoldsCancel, dto);
  }

  checkout(dto: CheckoutDto): Promise<CheckoutResult> {
    return this.rpc.call(LoansCheckout, dto);
  }

  checkin(dto: CheckinDto): Promise<CheckinResult> {
    return this.rpc.call(LoansCheckin, dto);
  }

  searchItems(dto: SearchItemsDto): Promise<Page<ItemView>> {
    return this.rpc.call(CatalogSearchItems, dto);
  }
}
