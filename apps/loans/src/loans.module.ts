import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ServiceCoreModule } from '@app/common';
import { CatalogClient } from './clients/catalog.client';
import { PatronsClient } from './clients/patrons.client';
import { LoansEnvDto } from './config/loans-env.dto';
import { LoansController } from './controllers/loans.controller';
import { LoanRuleEntity } from './entities/loan-rule.entity';
import { LoanEntity } from './entities/loan.entity';
import { HOLDS_CONTROLLERS, HOLDS_MIGRATIONS, HOLDS_PROVIDERS } from './holds/holds.providers';
import { CreateLoansSchema1764144000000 } from './migrations/1764144000000-create-loans-schema';
import { CirculationPolicyCalendarsFines1764400000000, CIRCULATION_POLICY_CONTROLLERS, CIRCULATION_POLICY_PROVIDERS } from './policy/policy.providers';
import { LoanRuleRepository } from './repositories/loan-rule.repository';
import { LoanRepository } from './repositories/loan.repository';
import { LoanPolicyService } from './services/loan-policy.service';
import { LoanQueryService } from './services/loan-query.service';
import { CheckinItemUseCase } from './usecases/checkin-item.usecase';
import { CheckoutItemUseCase } from './usecases/checkout-item.usecase';
import { RenewLoanUseCase } from './usecases/renew-loan.usecase';

const entities = [LoanEntity, LoanRuleEntity];
export const LOANS_MIGRATIONS = [CreateLoansSchema1764144000000, CirculationPolicyCalendarsFines1764400000000, ...HOLDS_MIGRATIONS];

@Module({})
export class LoansModule {
  static register(env: LoansEnvDto): DynamicModule {
    return {
      module: LoansModule,
      imports: [
        ServiceCoreModule.forRoot({ name: 'loans', env, envClass: LoansEnvDto, schema: 'loans', entities, migrations: LOANS_MIGRATIONS }),
        TypeOrmModule.forFeature(entities),
      ],
      controllers: [LoansController, ...CIRCULATION_POLICY_CONTROLLERS, ...HOLDS_CONTROLLERS],
      providers: [
        PatronsClient,
        CatalogClient,
        LoanRepository,
        LoanRuleRepository,
        LoanPolicyService,
        LoanQueryService,
        CheckoutItemUseCase,
        CheckinItemUseCase,
        RenewLoanUseCase,
        ...CIRCULATION_POLICY_PROVIDERS,
        ...HOLDS_PROVIDERS,
      ],
    };
  }
}
