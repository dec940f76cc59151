import { DynamicModule, Module } from '@nestjs/common';
import { ServiceCoreModule } from '@app/common';
import { CalendarModule } from './calendar/calendar.module';
import { CirculationModule } from './circulation/circulation.module';
import { LoansEnvDto } from './config/loans-env.dto';
import { FinesModule } from './fines/fines.module';
import { HoldsModule } from './holds/holds.module';
import { ItemsModule } from './items/items.module';
import { CreateLoansSchema1764144000000 } from './migrations/1764144000000-create-loans-schema';
import { CirculationPolicyCalendarsFines1764400000000 } from './migrations/1764400000000-circulation-policy-calendars-fines';
import { CreateHoldsAndTransits1764500000000 } from './migrations/1764500000000-create-holds-and-transits';
import { FieldCirculation1764800000000 } from './migrations/1764800000000-field-circulation';
import { ResolveCirculationExceptions1764860000000 } from './migrations/1764860000000-resolve-circulation-exceptions';
import { ItemProjection1764960000000 } from './migrations/1764960000000-item-projection';
import { LoanRuleEntity } from './rules/loan-rule.entity';
import { RulesModule } from './rules/rules.module';
import { LoanEntity } from './shared/loan.entity';
import { SharedModule } from './shared/shared.module';
import { TransitModule } from './transit/transit.module';

const entities = [LoanEntity, LoanRuleEntity];
export const LOANS_MIGRATIONS = [
  CreateLoansSchema1764144000000,
  CirculationPolicyCalendarsFines1764400000000,
  CreateHoldsAndTransits1764500000000,
  FieldCirculation1764800000000,
  ResolveCirculationExceptions1764860000000,
  ItemProjection1764960000000,
];

/**
 * The loans service: one feature module per folder. Dependencies point one way only:
 * circulation → holds → transit, circulation/holds/fines → rules → calendar → shared, and
 * circulation → items (the item projection).
 */
@Module({})
export class LoansModule {
  static register(env: LoansEnvDto): DynamicModule {
    return {
      module: LoansModule,
      imports: [
        ServiceCoreModule.forRoot({
          name: 'loans',
          env,
          envClass: LoansEnvDto,
          schema: 'loans',
          entities,
          migrations: LOANS_MIGRATIONS,
        }),
        SharedModule,
        ItemsModule,
        CalendarModule,
        RulesModule,
        TransitModule,
        HoldsModule,
        FinesModule,
        CirculationModule,
      ],
    };
  }
}
