import { Controller, Type } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { healthSubject, pingSubject, PingReply, ServiceHealth, ServiceName } from '@app/contracts';
import { HealthService } from './health.service';

/** Health and ping handlers on `<service>.health.v1` / `<service>.ping.v1`. */
export function createHealthController(service: ServiceName | 'gateway'): Type<unknown> {
  @Controller()
  class HealthController {
    constructor(private readonly health: HealthService) {}

    @MessagePattern(healthSubject(service))
    check(): Promise<ServiceHealth> {
      return this.health.check();
    }

    @MessagePattern(pingSubject(service))
    ping(): PingReply {
      return { service, pong: true, at: new Date().toISOString() };
    }
  }
  return HealthController;
}
