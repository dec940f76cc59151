import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STREAM, EventEnvelope } from '@app/contracts';
import { AckPolicy, ConsumerMessages, DeliverPolicy, JSONCodec } from 'nats';
import { requestContext } from '../logging/request-context';
import { NatsConnectionProvider } from '../messaging/nats-connection.provider';
import { ensureEventStream } from './outbox-relay.service';

const codec = JSONCodec<EventEnvelope>();

export interface ConsumeOptions {
  /** durable consumer name; replicas of one service share it and so share the work */
  durable: string;
  /**
   * one subject, wildcards allowed (`events.loans.>`). nats-server 2.9 (Debian's) has no multi-filter
   * consumers, so narrow further with `subjects`.
   */
  filterSubject: string;
  /** only these subjects reach the handler; others are acked and skipped */
  subjects?: string[];
  handler: (event: EventEnvelope) => Promise<void>;
}

/**
 * Durable JetStream pull consumers. A message is acked only after its handler succeeded; a failure is
 * retried with back-off. Handlers must be idempotent (JetStream delivers at least once).
 */
@Injectable()
export class EventConsumerService implements OnApplicationShutdown {
  private readonly logger = new Logger(EventConsumerService.name);
  private readonly running: ConsumerMessages[] = [];

  constructor(private readonly nats: NatsConnectionProvider) {}

  async consume(opts: ConsumeOptions): Promise<void> {
    const nc = await this.nats.get();
    await ensureEventStream(nc);
    const jsm = await nc.jetstreamManager();
    const config = {
      durable_name: opts.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: 30_000_000_000,
      max_deliver: -1,
      filter_subject: opts.filterSubject,
    };
    try {
      await jsm.consumers.info(EVENT_STREAM, opts.durable);
      await jsm.consumers.update(EVENT_STREAM, opts.durable, config);
    } catch {
      await jsm.consumers.add(EVENT_STREAM, config);
    }
    const consumer = await nc.jetstream().consumers.get(EVENT_STREAM, opts.durable);
    const messages = await consumer.consume({ max_messages: 256 });
    this.running.push(messages);
    void (async () => {
      for await (const m of messages) {
        if (opts.subjects && !opts.subjects.includes(m.subject)) {
          m.ack();
          continue;
        }
        let event: EventEnvelope;
        try {
          event = codec.decode(m.data);
        } catch {
          this.logger.error(`dropping undecodable event on ${m.subject}`);
          m.term();
          continue;
        }
        try {
          await requestContext.run({ correlationId: event.correlationId ?? event.id }, () => opts.handler(event));
          m.ack();
        } catch (err) {
          const delay = Math.min(30_000, 500 * 2 ** Math.min(m.info.redeliveryCount, 6));
          this.logger.warn(`event ${event.id} (${m.subject}) failed, retry in ${delay} ms: ${(err as Error).message}`);
          m.nak(delay);
        }
      }
    })();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.running.map((m) => m.close().catch(() => undefined)));
  }
}
