import { DynamicModule, Module } from '@nestjs/common';
import { ServiceCoreModule } from '@app/common';
import { StatisticsEnvDto } from './config/statistics-env.dto';
import { CirculationEventsConsumer } from './consumers/circulation-events.consumer';
import { StatisticsController } from './controllers/statistics.controller';
import { CreateStatisticsSchema1765000000000 } from './migrations/1765000000000-create-statistics-schema';
import { FinesO2oPartnerColumns1765200000000 } from './migrations/1765200000000-fines-o2o-partner-columns';
import { StatisticsRepository } from './repositories/statistics.repository';
import { BackfillService } from './services/backfill.service';
import { BranchDirectoryService } from './services/branch-directory.service';
import { ReportsService } from './services/reports.service';

export const STATISTICS_MIGRATIONS = [CreateStatisticsSchema1765000000000, FinesO2oPartnerColumns1765200000000];

/**
 * Statistics: circulation counted from the JetStream events into its own schema (one immutable row per
 * action, pseudonymised patrons, daily and hourly rollups), reports and the annual report over NATS,
 * and a backfill from the loans history.
 */
@Module({})
export class StatisticsModule {
  static register(env: StatisticsEnvDto): DynamicModule {
    return {
      module: StatisticsModule,
      imports: [
        ServiceCoreModule.forRoot({
          name: 'statistics',
          env,
          envClass: StatisticsEnvDto,
          schema: 'statistics',
          entities: [],
          migrations: STATISTICS_MIGRATIONS,
        }),
      ],
      controllers: [StatisticsController],
      providers: [
        StatisticsRepository,
        BranchDirectoryService,
        ReportsService,
        BackfillService,
        CirculationEventsConsumer,
      ],
    };
  }
}
