import { Module } from '@nestjs/common';
import { CalendarModule } from '../calendar/calendar.module';
import { FinesModule } from '../fines/fines.module';
import { HoldsModule } from '../holds/holds.module';
import { ItemsModule } from '../items/items.module';
import { RulesModule } from '../rules/rules.module';
import { SharedModule } from '../shared/shared.module';
import { CheckinItemUseCase } from './checkin-item.usecase';
import { CheckoutItemUseCase } from './checkout-item.usecase';
import { LoanQueryService } from './loan-query.service';
import { LoansController } from './loans.controller';
import { RenewLoanUseCase } from './renew-loan.usecase';
import { RecallLoanUseCase } from './recall-loan.usecase';
import { RecallController } from './recall.controller';
import { OfflineCheckoutService } from './offline-checkout.service';
import { FieldCirculationController } from './field.controller';
import { OfflineUploadUseCase } from './offline-upload.usecase';
import { UnresolvedWritesService } from './unresolved-writes.service';
import { TransitReceiveController } from './transit-receive.controller';

/** Checkout, checkin, renewal and loan queries: the top of the loans service, nothing imports it. */
@Module({
  imports: [SharedModule, ItemsModule, CalendarModule, RulesModule, HoldsModule, FinesModule],
  controllers: [LoansController, TransitReceiveController, FieldCirculationController, RecallController],
  providers: [
    CheckoutItemUseCase,
    CheckinItemUseCase,
    RenewLoanUseCase,
    RecallLoanUseCase,
    LoanQueryService,
    OfflineCheckoutService,
    OfflineUploadUseCase,
    UnresolvedWritesService,
  ],
})
export class CirculationModule {}
