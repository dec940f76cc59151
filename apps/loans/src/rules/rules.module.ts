import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CalendarModule } from '../calendar/calendar.module';
import { SharedModule } from '../shared/shared.module';
import { CheckoutDryRunService } from './checkout-dry-run.service';
import { LoanLimitsRepository } from './loan-limits.repository';
import { LoanPolicyService } from './loan-policy.service';
import { LoanRuleEntity } from './loan-rule.entity';
import { LoanRuleRepository } from './loan-rule.repository';
import { LoanRulesController } from './loan-rules.controller';
import { LoanRulesService } from './loan-rules.service';

/**
 * The policy matrix: loan rules (which one applies, cached), checkout and renewal limits, patron and
 * item eligibility, and the checkout dry run. Circulation, holds and fines ask it; it asks none of them.
 */
@Module({
  imports: [TypeOrmModule.forFeature([LoanRuleEntity]), SharedModule, CalendarModule],
  controllers: [LoanRulesController],
  providers: [LoanRuleRepository, LoanPolicyService, LoanRulesService, LoanLimitsRepository, CheckoutDryRunService],
  exports: [LoanPolicyService, LoanLimitsRepository],
})
export class RulesModule {}
