import { Inject, Injectable } from '@nestjs/common';
import { ComponentStatus, ServiceHealth, SUITE_VERSION } from '@app/contracts';
import { DataSource } from 'typeorm';
import { NatsConnectionProvider } from '../messaging/nats-connection.provider';

export const SERVICE_NAME = Symbol('SERVICE_NAME');
export const EXTRA_HEALTH_CHECKS = Symbol('EXTRA_HEALTH_CHECKS');
export type HealthCheck = () => Promise<void>;

const VERSION = SUITE_VERSION;
const started = Date.now();

async function timed(
  check: () => Promise<unknown>,
): Promise<{ status: ComponentStatus; latencyMs: number; error?: string }> {
  const t0 = performance.now();
  try {
    await Promise.race([
      check(),
      new Promise((_, rej) => setTimeout(() => rej(new Error('timed out after 2000 ms')), 2000).unref()),
    ]);
    return { status: 'up', latencyMs: Math.round((performance.now() - t0) * 10) / 10 };
  } catch (err) {
    return { status: 'down', latencyMs: Math.round(performance.now() - t0), error: (err as Error).message };
  }
}

/** Database and NATS checks (plus any the service adds, e.g. the SIP2 listeners). */
@Injectable()
export class HealthService {
  constructor(
    @Inject(SERVICE_NAME) private readonly service: string,
    private readonly dataSource: DataSource,
    private readonly nats: NatsConnectionProvider,
    @Inject(EXTRA_HEALTH_CHECKS) private readonly extra: Record<string, HealthCheck>,
  ) {}

  async check(): Promise<ServiceHealth> {
    const entries: [string, HealthCheck][] = [
      ['database', async () => void (await this.dataSource.query('SELECT 1'))],
      ['nats', async () => void (await (await this.nats.get()).rtt())],
      ...Object.entries(this.extra),
    ];
    const results = await Promise.all(entries.map(async ([name, fn]) => [name, await timed(fn)] as const));
    const checks = Object.fromEntries(results);
    return {
      service: this.service,
      status: results.every(([, r]) => r.status === 'up') ? 'up' : 'down',
      checks,
      version: VERSION,
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
      pid: process.pid,
    };
  }
}
