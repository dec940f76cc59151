import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { connect, NatsConnection } from 'nats';
import { coalesceNatsWrites } from './nats-write-coalescing';

export const NATS_OPTIONS = Symbol('NATS_OPTIONS');
export interface NatsConnectionOptions {
  servers: string;
  name: string;
  /** replicas of the event stream when this process creates it (NATS_STREAM_REPLICAS) */
  streamReplicas?: number;
}

/**
 * One raw `nats` connection per process for outgoing requests, JetStream publishing and health.
 * (Incoming handlers use Nest's NATS transport, which keeps its own connection.)
 */
@Injectable()
export class NatsConnectionProvider implements OnApplicationShutdown {
  private connection?: Promise<NatsConnection>;

  constructor(@Inject(NATS_OPTIONS) private readonly options: NatsConnectionOptions) {}

  /** replicas of the event stream (1 on a single server, 3 on a cluster) */
  get streamReplicas(): number {
    return this.options.streamReplicas ?? 1;
  }

  get(): Promise<NatsConnection> {
    this.connection ??= connect({
      servers: this.options.servers.split(','),
      name: this.options.name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    })
      .then((nc) => {
        // requests and event publishes go out once per event-loop turn, not once per callback
        coalesceNatsWrites(nc);
        return nc;
      })
      .catch((err) => {
        this.connection = undefined;
        throw err;
      });
    return this.connection;
  }

  async onApplicationShutdown(): Promise<void> {
    const pending = this.connection;
    this.connection = undefined;
    if (pending) await (await pending.catch(() => undefined))?.drain().catch(() => undefined);
  }
}
