import { DynamicModule, Module } from '@nestjs/common';
import { ServiceCoreModule } from '@app/common';
import { CirculationClient } from './clients/circulation.client';
import { NoticeLookupsClient } from './clients/notice-lookups.client';
import { DeliveryEnvDto } from './config/delivery-env.dto';
import { DeliveryController } from './delivery.controller';
import { LockerDeviceUseCase } from './device/locker-device.usecase';
import { ParcelJobs } from './jobs/parcel-jobs.job';
import { ClearanceUseCase } from './lockers/clearance.usecase';
import { LockerMetrics } from './lockers/locker-metrics.service';
import { LockerRepository } from './lockers/locker.repository';
import { CreateDeliverySchema1764057600100 } from './migrations/1764057600100-create-delivery-schema';
import { OrdersLockersTimeline1764700000000 } from './migrations/1764700000000-orders-lockers-timeline';
import { CirculationNotices1764900000000 } from './migrations/1764900000000-circulation-notices';
import { LockerHeartbeats1764950000000 } from './migrations/1764950000000-locker-heartbeats';
import { NOTICE_SENDER } from './notifier/notice';
import { CirculationNoticesConsumer } from './notifier/circulation-notices.consumer';
import { NoticeLedger } from './notifier/notice-ledger.repository';
import { NotifierConsumer } from './notifier/notifier.consumer';
import { createSender } from './notifier/senders';
import { LoanEventsConsumer } from './orders/loan-events.consumer';
import { OrderJournal } from './orders/order-journal.service';
import { OrderQueryService } from './orders/order-query.service';
import { OrderRepository } from './orders/order.repository';
import { OrderStepsUseCase } from './orders/order-steps.usecase';
import { PlaceOrderUseCase } from './orders/place-order.usecase';
import { StockService } from './orders/stock.service';
import { IdempotentRequests } from './shared/idempotent-requests.service';

export const DELIVERY_MIGRATIONS = [
  CreateDeliverySchema1764057600100,
  OrdersLockersTimeline1764700000000,
  CirculationNotices1764900000000,
  LockerHeartbeats1764950000000,
];

/** O2O delivery: lending stock, orders, fulfilment, lockers and their devices, home delivery, notices. */
@Module({})
export class DeliveryModule {
  static register(env: DeliveryEnvDto): DynamicModule {
    return {
      module: DeliveryModule,
      imports: [
        ServiceCoreModule.forRoot({
          name: 'delivery',
          env,
          envClass: DeliveryEnvDto,
          schema: 'delivery',
          entities: [],
          migrations: DELIVERY_MIGRATIONS,
        }),
      ],
      controllers: [DeliveryController],
      providers: [
        CirculationClient,
        OrderRepository,
        LockerRepository,
        LockerMetrics,
        IdempotentRequests,
        OrderJournal,
        StockService,
        PlaceOrderUseCase,
        OrderQueryService,
        OrderStepsUseCase,
        LockerDeviceUseCase,
        ClearanceUseCase,
        ParcelJobs,
        NoticeLedger,
        NoticeLookupsClient,
        NotifierConsumer,
        CirculationNoticesConsumer,
        LoanEventsConsumer,
        { provide: NOTICE_SENDER, useFactory: () => createSender(env) },
      ],
    };
  }
}
