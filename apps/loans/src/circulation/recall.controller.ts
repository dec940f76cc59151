import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Handles } from '@app/common';
import { LoansRecall, RecallLoanDto, RecallResult } from '@app/contracts';
import { RecallLoanUseCase } from './recall-loan.usecase';

/** `loans.recall.v1`: the owner (an interlibrary partner) wants the item back. */
@Controller()
export class RecallController {
  constructor(private readonly recallLoan: RecallLoanUseCase) {}

  @Handles(LoansRecall)
  recall(@Payload() dto: RecallLoanDto): Promise<RecallResult> {
    return this.recallLoan.execute(dto);
  }
}
