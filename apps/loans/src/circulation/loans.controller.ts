import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CheckinDto,
  CheckinResult,
  CheckoutDto,
  CheckoutResult,
  ItemRefDto,
  LoanSubjects,
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

  @MessagePattern(LoanSubjects.checkout)
  checkout(@Payload() dto: CheckoutDto): Promise<CheckoutResult> {
    return this.checkoutItem.execute(dto);
  }

  @MessagePattern(LoanSubjects.checkin)
  checkin(@Payload() dto: CheckinDto): Promise<CheckinResult> {
    return this.checkinItem.execute(dto);
  }

  @MessagePattern(LoanSubjects.renew)
  renew(@Payload() dto: RenewDto): Promise<RenewResult> {
    return this.renewLoan.execute(dto);
  }

  @MessagePattern(LoanSubjects.patronLoans)
  patronLoans(@Payload() dto: PatronLoansDto): Promise<Page<LoanView>> {
    return this.queries.patronLoans(dto);
  }

  @MessagePattern(LoanSubjects.itemLoan)
  itemLoan(@Payload() dto: ItemRefDto): Promise<LoanView | null> {
    return this.queries.itemLoan(dto);
  }

  @MessagePattern(LoanSubjects.patronSummary)
  patronSummary(@Payload() dto: PatronSummaryDto): Promise<PatronSummary> {
    return this.queries.patronSummary(dto);
  }
}
