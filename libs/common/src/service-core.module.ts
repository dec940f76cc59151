import { DynamicModule, Module, Provider, Type } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { ServiceName } from '@app/contracts';
import { BaseEnvDto } from './config/base-env.dto';
import { createHealthController } from './health/health.controller';
import { EXTRA_HEALTH_CHECKS, HealthCheck, HealthService, SERVICE_NAME } from './health/health.service';
import { NATS_OPTIONS, NatsConnectionProvider } from './messaging/nats-connection.provider';
import { NatsRpcClient, RPC_DEFAULT_TIMEOUT_MS } from './messaging/nats-rpc.client';
import { ServiceMetricsService } from './metrics/service-metrics.service';
import { buildDataSourceOptions, ensureSchema } from './persistence/database.options';
import { EventConsumerService } from './outbox/event-consumer.service';
import { OutboxEventEntity } from './outbox/outbox-event.entity';
import { OutboxPrunerService } from './outbox/outbox-pruner.service';
import { OutboxRelayService } from './outbox/outbox-relay.service';
import { OUTBOX_SOURCE, OutboxService } from './outbox/outbox.service';

export interface ServiceCoreOptions<E extends BaseEnvDto> {
  /** 'gateway' too: the HTTP gateway reuses the core (config, schema, NATS client, health) */
  name: ServiceName | 'gateway';
  env: E;
  /** the env class, so services can inject their typed config by class */
  envClass: new () => E;
  schema: string;
  /* eslint-disable @typescript-eslint/no-unsafe-function-type -- TypeORM types entity and migration classes as Function */
  entities: Function[];
  migrations: Function[];
  /* eslint-enable @typescript-eslint/no-unsafe-function-type */
  healthChecks?: Record<string, HealthCheck>;
}

/**
 * What every NATS service needs: typed config, its own schema with migrations run at boot, a NATS
 * connection with an RPC client, the transactional outbox + relay, event consumers and health.
 */
@Module({})
export class ServiceCoreModule {
  static forRoot<E extends BaseEnvDto>(opts: ServiceCoreOptions<E>): DynamicModule {
    const providers: Provider[] = [
      { provide: opts.envClass, useValue: opts.env },
      { provide: BaseEnvDto, useValue: opts.env },
      { provide: SERVICE_NAME, useValue: opts.name },
      { provide: OUTBOX_SOURCE, useValue: opts.name },
      {
        provide: NATS_OPTIONS,
        useValue: { servers: opts.env.NATS_URL, name: opts.name, streamReplicas: opts.env.NATS_STREAM_REPLICAS },
      },
      { provide: RPC_DEFAULT_TIMEOUT_MS, useValue: opts.env.NATS_REQUEST_TIMEOUT_MS },
      { provide: EXTRA_HEALTH_CHECKS, useValue: opts.healthChecks ?? {} },
      NatsConnectionProvider,
      NatsRpcClient,
      OutboxService,
      OutboxRelayService,
      OutboxPrunerService,
      EventConsumerService,
      HealthService,
      ServiceMetricsService,
    ];
    return {
      module: ServiceCoreModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: async () => {
            await ensureSchema(opts.env.DATABASE_URL, opts.schema);
            return buildDataSourceOptions({
              url: opts.env.DATABASE_URL,
              schema: opts.schema,
              entities: [...opts.entities, OutboxEventEntity],
              migrations: opts.migrations,
              poolSize: opts.env.DB_POOL_SIZE,
              preparedStatements: opts.env.DB_PREPARED_STATEMENTS,
              applicationName: opts.name,
            });
          },
        }),
      ],
      controllers: [createHealthController(opts.name) as Type<unknown>],
      providers,
      exports: [
        ...providers.filter((p): p is Type<unknown> => typeof p === 'function'),
        opts.envClass,
        BaseEnvDto,
        SERVICE_NAME,
        TypeOrmModule,
      ],
    };
  }
}
