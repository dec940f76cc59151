import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Handles } from '@app/common';
import {
  DeleteLoanRuleResult,
  ListLoanRulesDto,
  LoanDryRunDto,
  LoanDryRunResult,
  LoanRuleIdDto,
  LoanRuleView,
  LoansRulesDelete,
  LoansRulesDryRun,
  LoansRulesList,
  LoansRulesUpsert,
  UpsertLoanRuleDto,
} from '@app/contracts';
import { CheckoutDryRunService } from './checkout-dry-run.service';
import { LoanRulesService } from './loan-rules.service';

@Controller()
export class LoanRulesController {
  constructor(
    private readonly rules: LoanRulesService,
    private readonly dryRuns: CheckoutDryRunService,
  ) {}

  @Handles(LoansRulesList)
  list(@Payload() dto: ListLoanRulesDto): Promise<LoanRuleView[]> {
    return this.rules.list(dto);
  }

  @Handles(LoansRulesUpsert)
  upsert(@Payload() dto: UpsertLoanRuleDto): Promise<LoanRuleView> {
    return this.rules.upsert(dto);
  }

  @Handles(LoansRulesDelete)
  delete(@Payload() dto: LoanRuleIdDto): Promise<DeleteLoanRuleResult> {
    return this.rules.delete(dto);
  }

  @Handles(LoansRulesDryRun)
  dryRun(@Payload() dto: LoanDryRunDto): Promise<LoanDryRunResult> {
    return this.dryRuns.dryRun(dto);
  }
}
