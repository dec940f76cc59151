import { Injectable } from '@nestjs/common';
import { HealthService, NatsRpcClient } from '@app/common';
import { HealthCheck, ServiceNames } from '@app/contracts';
import { DownServiceHealth, GatewayHealthReport } from '../dto';
import { GatewayEnvDto } from '../config/gateway-env.dto';

/** Asks every service for its health over NATS in parallel, each with a short timeout. */
@Injectable()
export class HealthReportService {
  constructor(
    private readonly rpc: NatsRpcClient,
    private readonly own: HealthService,
    private readonly env: GatewayEnvDto,
  ) {}

  async report(): Promise<GatewayHealthReport> {
    const [own, ...services] = await Promise.all([
      this.own.check(),
      ...ServiceNames.map(async (name) => {
        try {
          return [name, await this.rpc.call(HealthCheck(name), {}, { timeoutMs: this.env.HEALTH_TIMEOUT_MS })] as const;
        } catch (err) {
          return [name, { status: 'down', error: (err as Error).message } satisfies DownServiceHealth] as const;
        }
      }),
    ]);
    const gateway = {
      database: own.checks.database ?? { status: 'down' as const },
      nats: own.checks.nats ?? { status: 'down' as const },
    };
    const allUp = own.status === 'up' && services.every(([, h]) => h.status === 'up');
    return { status: allUp ? 'up' : 'degraded', services: Object.fromEntries(services), gateway };
  }
}
