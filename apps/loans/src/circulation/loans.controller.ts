import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Handles } from '@app/common';
import {
  CheckinDto,
  CheckinResult,
  CheckoutDto,
  CheckoutResult,
  ItemRefDto,
  LoansCheckin,
  LoansCheckout,
  LoansItemLoan,
  LoansPatronLoans,
  LoansPatronSummary,
  LoansRenew,
  LoanView,
  Page,
  PatronLoansDto,
  PatronSummary,
  PatronSummaryDto,
  RenewDto,
  RenewResult,
} from '@app/contracts';
import { LoanQueryService } from './loan-query.service';
import { CheckinItemUseCase } from './checkin-item.usecase';
import { CheckoutItemUseCase } from './checkout-item.usecase';
import { RenewLoanUseCase } from './renew-loan.usecase';

@Controller()
export class LoansController {
  constructor(
    private readonly checkoutItem: CheckoutItemUseCase,
    private readonly checkinItem: CheckinItemUseCase,
    private readonly renewLoan: RenewLoanUseCase,
    private readonly queries: LoanQueryService,
  ) {}

  @Handles(LoansCheckout)
  checkout(@Payload() dto: CheckoutDto): Promise<CheckoutResult> {
    return this.checkoutItem.execute(dto);
  }

  @Handles(LoansCheckin)
  checkin(@Payload() dto: CheckinDto): Promise<CheckinResult> {
    return this.checkinItem.execute(dto);
  }

  @Handles(LoansRenew)
  renew(@Payload() dto: RenewDto): Promise<RenewResult> {
    return this.renewLoan.execute(dto);
  }

  @Handles(LoansPatronLoans)
  patronLoans(@Payload() dto: PatronLoansDto): Promise<Page<LoanView>> {
    return this.queries.patronLoans(dto);
  }

  @Handles(LoansItemLoan)
  itemLoan(@Payload() dto: ItemRefDto): Promise<LoanView | null> {
    return this.queries.itemLoan(dto);
  }

  @Handles(LoansPatronSummary)
  patronSummary(@Payload() dto: PatronSummaryDto): Promise<PatronSummary> {
    return this.queries.patronSummary(dto);
  }
}
