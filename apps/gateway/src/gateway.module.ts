import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ServiceCoreModule } from '@app/common';
import { ApiKeyGuard } from './auth/api-key.guard';
import { GatewayEnvDto } from './config/gateway-env.dto';
import { AgenciesController } from './controllers/agencies.controller';
import { ApiKeysController } from './controllers/api-keys.controller';
import { CirculationController } from './controllers/circulation.controller';
import { OfflineCirculationController } from './controllers/offline-circulation.controller';
import { GatewayHealthController } from './controllers/health.controller';
import { HoldsController } from './controllers/holds.controller';
import { GatewayMetricsController } from './controllers/metrics.controller';
import { StatisticsController } from './controllers/statistics.controller';
import { ItemsController } from './controllers/items.controller';
import { PatronsController } from './controllers/patrons.controller';
import { RecordsController } from './controllers/records.controller';
import { CirculationRulesController } from './controllers/circulation-rules.controller';
import { CalendarsController } from './controllers/calendars.controller';
import { FinesController } from './controllers/fines.controller';
import { FederationController } from './controllers/federation.controller';
import { NcipController } from './controllers/ncip.controller';
import { Sip2TerminalsController } from './controllers/sip2-terminals.controller';
import { TransitsController } from './controllers/transits.controller';
import { DeliveryController } from './controllers/delivery.controller';
import { DeviceController } from './controllers/device.controller';
import { DeviceKeysNatsController } from './controllers/device-keys.nats-controller';
import { ReaderController } from './controllers/reader.controller';
import { ReaderTokenService } from './auth/reader-token.service';
import { DeviceKeys1764700000100 } from './migrations/1764700000100-device-keys';
import { ApiKeyEntity } from './entities/api-key.entity';
import { CreateGatewaySchema1764316800000 } from './migrations/1764316800000-create-gateway-schema';
import { OpsModule } from './ops/ops.module';
import { ApiKeyRepository } from './repositories/api-key.repository';
import { ApiKeyService } from './services/api-key.service';
import { BootstrapKeyService } from './services/bootstrap-key.service';
import { CatalogApiService } from './services/catalog-api.service';
import { CirculationApiService } from './services/circulation-api.service';
import { HealthReportService } from './services/health-report.service';
import { PatronsApiService } from './services/patrons-api.service';
import { Sip2ApiService } from './services/sip2-api.service';
import { IdempotentWrites } from './http/idempotency-key';

const entities = [ApiKeyEntity];
export const GATEWAY_MIGRATIONS = [CreateGatewaySchema1764316800000, DeviceKeys1764700000100];

@Module({})
export class GatewayModule {
  static register(env: GatewayEnvDto): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        // same core as the services: typed config, schema `gateway` + migrations, NATS RPC client, health
        ServiceCoreModule.forRoot({
          name: 'gateway',
          env,
          envClass: GatewayEnvDto,
          schema: 'gateway',
          entities,
          migrations: GATEWAY_MIGRATIONS,
        }),
        TypeOrmModule.forFeature(entities),
        OpsModule,
      ],
      controllers: [
        GatewayHealthController,
        ApiKeysController,
        AgenciesController,
        RecordsController,
        ItemsController,
        PatronsController,
        CirculationController,
        OfflineCirculationController,
        Sip2TerminalsController,
        HoldsController,
        TransitsController,
        CirculationRulesController,
        CalendarsController,
        FinesController,
        ReaderController,
        DeliveryController,
        DeviceController,
        DeviceKeysNatsController,
        FederationController,
        NcipController,
        GatewayMetricsController,
        StatisticsController,
      ],
      providers: [
        ApiKeyRepository,
        ApiKeyService,
        BootstrapKeyService,
        CatalogApiService,
        PatronsApiService,
        CirculationApiService,
        IdempotentWrites,
        HealthReportService,
        Sip2ApiService,
        ReaderTokenService,
        { provide: APP_GUARD, useClass: ApiKeyGuard },
      ],
    };
  }
}
