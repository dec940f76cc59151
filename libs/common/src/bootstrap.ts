import { INestMicroservice, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions } from '@nestjs/microservices';
import type { ServiceName } from '@app/contracts';
import { BaseEnvDto } from './config/base-env.dto';
import { ConfigError, loadConfig } from './config/load-config';
import { AppLogger, createLogger } from './logging/app-logger';
import { CorrelatedServerNats } from './messaging/correlated-server-nats';
import { RpcExceptionsFilter } from './messaging/rpc-exception.filter';
import { createValidationPipe } from './messaging/validation.pipe';

/** Load and validate env or exit with a message naming the bad variable (used by every main.ts). */
export function loadConfigOrExit<E extends object>(cls: new () => E, service: string): E {
  try {
    return loadConfig(cls);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`[${service}] ${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}

/**
 * Create a NATS microservice: handlers in a queue group named after the service (replicas share the
 * work), validated commands, typed errors, correlation ids, JSON logs, graceful shutdown.
 */
export async function createNatsMicroservice(
  module: Type<unknown> | import('@nestjs/common').DynamicModule,
  opts: { name: ServiceName; env: BaseEnvDto },
): Promise<INestMicroservice> {
  const logger = new AppLogger(createLogger(opts.name, opts.env.LOG_LEVEL));
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(module, {
    // Nest's NATS transport; it also puts each handler inside the caller's correlation id
    strategy: new CorrelatedServerNats({
      servers: opts.env.NATS_URL.split(','),
      queue: opts.name,
      name: `${opts.name}-server`,
      maxReconnectAttempts: -1,
    }),
    logger,
    bufferLogs: false,
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new RpcExceptionsFilter(opts.name));
  app.enableShutdownHooks();
  return app;
}

export async function runNatsMicroservice(
  module: Type<unknown> | import('@nestjs/common').DynamicModule,
  opts: { name: ServiceName; env: BaseEnvDto },
): Promise<INestMicroservice> {
  const app = await createNatsMicroservice(module, opts);
  await app.listen();
  createLogger(opts.name, opts.env.LOG_LEVEL).info({ event: 'ready' }, `${opts.name} listening on NATS`);
  return app;
}
