import { Transport } from '@nestjs/microservices';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppLogger, createLogger, createValidationPipe } from '@app/common';
import { GatewayEnvDto } from './config/gateway-env.dto';
import { GatewayModule } from './gateway.module';
import { bodyParserErrorsMiddleware } from './http/body-parser-errors.middleware';
import { correlationMiddleware } from './http/correlation.middleware';
import { isNcipRequest, ncipBodyErrorsMiddleware } from './http/ncip-body.middleware';
import { inputGuardMiddleware } from './http/input-guard.middleware';
import { HttpExceptionsFilter } from './http/http-exception.filter';
import { setupOpenApi } from './http/openapi';
import { RequestContextInterceptor } from './http/request-context.interceptor';

/**
 * Build, start and listen: the HTTP API on env.PORT (0 = a free port, for tests) plus the gateway's
 * own NATS handlers (`gateway.health.v1`, `gateway.ping.v1`). Used by main.ts and by specs; close it
 * with `app.close()`.
 */
export async function createGatewayApp(env: GatewayEnvDto): Promise<NestExpressApplication> {
  const logger = createLogger('gateway', env.LOG_LEVEL);
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.register(env), {
    logger: new AppLogger(logger),
    bufferLogs: false,
    bodyParser: false, // registered below, after the correlation middleware, with its errors typed
  });
  app.disable('x-powered-by');
  // order matters: correlation id + request log first, so even parser errors are logged and tagged
  app.use(correlationMiddleware(logger));
  // NCIP partners post raw XML to /ncip with whatever Content-Type they use
  app.useBodyParser('text', {
    type: (req: { url?: string; originalUrl?: string }) => isNcipRequest(req),
    limit: env.NCIP_BODY_LIMIT,
  });
  app.use(ncipBodyErrorsMiddleware());
  app.useBodyParser('json', { limit: env.BODY_LIMIT });
  // the staff offline upload also takes CSV (POST /api/circulation/offline)
  app.useBodyParser('text', { type: 'text/csv', limit: env.BODY_LIMIT });
  app.use(bodyParserErrorsMiddleware());
  app.use(inputGuardMiddleware());
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionsFilter(logger));
  app.useGlobalInterceptors(new RequestContextInterceptor());
  app.enableShutdownHooks();
  setupOpenApi(app);

  app.connectMicroservice({
    transport: Transport.NATS,
    options: { servers: env.NATS_URL.split(','), queue: 'gateway', name: 'gateway-server', maxReconnectAttempts: -1 },
  });
  await app.startAllMicroservices();
  await app.listen(env.PORT, env.HTTP_HOST);
  // Idle keep-alive connections stay open longer than clients keep them (Node's fetch: the server's
  // hint minus 1 s; proxies: 60 s), so a client never sends a request on a socket we are closing.
  const server = app.getHttpServer() as import('node:http').Server;
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const address = app.getHttpServer().address();
  logger.info(
    { event: 'ready', host: env.HTTP_HOST, port: typeof address === 'object' && address ? address.port : env.PORT },
    'gateway listening',
  );
  return app;
}
