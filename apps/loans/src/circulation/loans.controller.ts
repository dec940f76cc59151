import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { countCirculation, Handles } from '@app/common';
import {
  CheckinDto,
  CheckinResult,
  CheckoutDto,
  CheckoutResult,
  ItemRefDto,
  LoanHistoryPage,
  LoanHistoryQueryDto,
  LoansHistory,
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
    return countCirculation('checkout', dto.channel, this.checkoutItem.execute(dto));
  }

  @Handles(LoansCheckin)
  checkin(@Payload() dto: CheckinDto): Promise<CheckinResult> {
    return countCirculation('checkin', dto.channel, this.checkinItem.execute(dto));
  }

  @Handles(LoansRenew)
  renew(@Payload() dto: RenewDto): Promise<RenewResult> {
    return countCirculation('renew', dto.channel, this.renewLoan.execute(dto));
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

  /** Pages through every loan (for the statistics backfill, which never reads this schema). */
  @Handles(LoansHistory)
  history(@Payload() dto: LoanHistoryQueryDto): Promise<LoanHistoryPage> {
    return this.queries.history(dto);
  }
}
