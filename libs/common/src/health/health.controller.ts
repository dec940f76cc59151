import { Controller, Type } from '@nestjs/common';
import { HealthCheck, Ping, PingReply, ServiceHealth, ServiceName } from '@app/contracts';
import { Handles } from '../messaging/handles.decorator';
import { HealthService } from './health.service';

/** Health and ping handlers on `<service>.health.v1` / `<service>.ping.v1`. */
export function createHealthController(service: ServiceName | 'gateway'): Type<unknown> {
  @Controller()
  class HealthController {
    constructor(private readonly health: HealthService) {}

    @Handles(HealthCheck(service))
    check(): Promise<ServiceHealth> {
      return this.health.check();
    }

    @Handles(Ping(service))
    ping(): PingReply {
      return { service, pong: true, at: new Date().toISOString() };
    }
  }
  return HealthController;
}
