import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  DeleteLoanRuleResult,
  ListLoanRulesDto,
  LoanDryRunDto,
  LoanDryRunResult,
  LoanRuleIdDto,
  LoanRuleSubjects,
  LoanRuleView,
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

  @MessagePattern(LoanRuleSubjects.list)
  list(@Payload() dto: ListLoanRulesDto): Promise<LoanRuleView[]> {
    return this.rules.list(dto);
  }

  @MessagePattern(LoanRuleSubjects.upsert)
  upsert(@Payload() dto: UpsertLoanRuleDto): Promise<LoanRuleView> {
    return this.rules.upsert(dto);
  }

  @MessagePattern(LoanRuleSubjects.delete)
  delete(@Payload() dto: LoanRuleIdDto): Promise<DeleteLoanRuleResult> {
    return this.rules.delete(dto);
  }

  @MessagePattern(LoanRuleSubjects.dryRun)
  dryRun(@Payload() dto: LoanDryRunDto): Promise<LoanDryRunResult> {
    return this.dryRuns.dryRun(dto);
  }
}
