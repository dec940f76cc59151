import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STREAM } from '@app/contracts';
import { DataSource } from 'typeorm';
import { BaseEnvDto } from '../config/base-env.dto';
import { SERVICE_NAME } from '../health/health.service';
import { NatsConnectionProvider } from '../messaging/nats-connection.provider';
import { EventConsumerService } from '../outbox/event-consumer.service';
import { collectProcessMetrics, metricGauge } from './metrics-registry';
import { startMetricsServer } from './metrics-server';

/** What one service instance contributes to the scrape (several services may share a process in tests). */
interface Source {
  service: string;
  pool(): { total: number; idle: number; waiting: number } | undefined;
  outbox(): Promise<{ backlog: number; oldestSeconds: number }>;
  consumers(): Promise<{ durable: string; pending: number; ackPending: number; redelivered: number }[]>;
}
const sources = new Set<Source>();

/** Each of these gauges is computed when Prometheus scrapes, never on a request path. */
function registerGauges(): void {
  metricGauge(
    'db_pool_connections',
    'PostgreSQL pool connections by state (in_use, idle, waiting = requests queued for a connection)',
    ['service', 'state'],
    function () {
      this.reset();
      for (const s of sources) {
        const p = s.pool();
        if (!p) continue;
        this.set({ service: s.service, state: 'in_use' }, p.total - p.idle);
        this.set({ service: s.service, state: 'idle' }, p.idle);
        this.set({ service: s.service, state: 'waiting' }, p.waiting);
      }
    },
  );
  const oldest = metricGauge(
    'outbox_oldest_unpublished_seconds',
    'Age of the oldest outbox event not yet relayed to JetStream (0 when none)',
    ['service'],
  );
  metricGauge(
    'outbox_backlog_events',
    'Outbox events committed but not yet relayed to JetStream',
    ['service'],
    async function () {
      this.reset();
      oldest.reset();
      await Promise.all(
        [...sources].map(async (s) => {
          const o = await withTimeout(s.outbox(), 2000).catch(() => undefined);
          if (!o) return;
          this.set({ service: s.service }, o.backlog);
          oldest.set({ service: s.service }, o.oldestSeconds);
        }),
      );
    },
  );
  const ackPending = metricGauge(
    'jetstream_consumer_ack_pending',
    'Events delivered to a durable consumer and not acknowledged yet',
    ['service', 'durable'],
  );
  const redelivered = metricGauge(
    'jetstream_consumer_redelivered',
    'Events of a durable consumer delivered more than once and still unacknowledged',
    ['service', 'durable'],
  );
  metricGauge(
    'jetstream_consumer_pending',
    'Consumer lag: events in the stream not yet delivered to a durable consumer',
    ['service', 'durable'],
    async function () {
      this.reset();
      ackPending.reset();
      redelivered.reset();
      await Promise.all(
        [...sources].map(async (s) => {
          for (const c of (await withTimeout(s.consumers(), 2000).catch(() => undefined)) ?? []) {
            this.set({ service: s.service, durable: c.durable }, c.pending);
            ackPending.set({ service: s.service, durable: c.durable }, c.ackPending);
            redelivered.set({ service: s.service, durable: c.durable }, c.redelivered);
          }
        }),
      );
    },
  );
}

/**
 * Prometheus metrics of a service: process/Node defaults, DB pool, outbox backlog, JetStream consumer
 * lag, plus whatever the service's code counts (NATS latencies, circulation, SIP2 …). Serves them on
 * `METRICS_PORT` when set (the gateway also on its own `/metrics`).
 */
@Injectable()
export class ServiceMetricsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ServiceMetricsService.name);
  private source?: Source;
  private server?: { port: number; close(): Promise<void> };

  constructor(
    @Inject(SERVICE_NAME) private readonly service: string,
    private readonly dataSource: DataSource,
    private readonly nats: NatsConnectionProvider,
    private readonly env: BaseEnvDto,
    private readonly consumer: EventConsumerService,
  ) {}

  /** The port the metrics listener is bound to, when there is one. */
  get port(): number | undefined {
    return this.server?.port;
  }

  async onApplicationBootstrap(): Promise<void> {
    collectProcessMetrics();
    registerGauges();
    const ds = this.dataSource;
    const service = this.service;
    this.source = {
      service,
      pool: () => {
        const pool = (
          ds.driver as unknown as { master?: { totalCount: number; idleCount: number; waitingCount: number } }
        ).master;
        return pool ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } : undefined;
      },
      outbox: async () => {
        const [row] = (await ds.query(
          `SELECT count(*)::int AS n, COALESCE(extract(epoch FROM now() - min(occurred_at)), 0)::float8 AS age FROM outbox WHERE published_at IS NULL`,
        )) as { n: number; age: number }[];
        return { backlog: row.n, oldestSeconds: Math.max(0, row.age) };
      },
      consumers: async () => {
        const durables = [...this.consumer.durables];
        if (durables.length === 0) return [];
        const jsm = await (await this.nats.get()).jetstreamManager();
        return Promise.all(
          durables.map(async (durable) => {
            const info = await jsm.consumers.info(EVENT_STREAM, durable);
            return {
              durable,
              pending: info.num_pending,
              ackPending: info.num_ack_pending,
              redelivered: info.num_redelivered,
            };
          }),
        );
      },
    };
    sources.add(this.source);
    if (this.env.METRICS_PORT !== undefined) {
      this.server = await startMetricsServer(this.env.METRICS_PORT, this.env.METRICS_HOST);
      this.logger.log(`metrics on http://${this.env.METRICS_HOST}:${this.server.port}/metrics`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.source) sources.delete(this.source);
    await this.server?.close();
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timed out')), ms).unref())]);
}
