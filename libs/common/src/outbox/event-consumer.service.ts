import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STREAM, EventEnvelope } from '@app/contracts';
import type { EnvelopeOf, EventContract } from '@app/contracts';
import { AckPolicy, ConsumerMessages, DeliverPolicy } from 'nats';
import { NatsConnectionProvider } from '../messaging/nats-connection.provider';
import { EventBatcher } from './event-batcher';
import { ensureEventStream } from './outbox-relay.service';

/** Default largest batch handed to a `batchHandler`. */
export const DEFAULT_MAX_BATCH = 128;

interface CommonConsumeOptions {
  /** durable consumer name; replicas of one service share it and so share the work */
  durable: string;
  /**
   * one subject, wildcards allowed (`events.loans.>`). nats-server 2.9 (Debian's) has no multi-filter
   * consumers, so narrow further with `subjects`.
   */
  filterSubject: string;
  /** only these subjects reach the handler; others are acked and skipped */
  subjects?: string[];
  /** see {@link TypedCommonConsumeOptions.fromNow} */
  fromNow?: boolean;
}

/** One event at a time: the next message is handled after this one's handler settled. */
export interface SingleConsumeOptions extends CommonConsumeOptions {
  handler: (event: EventEnvelope) => Promise<void>;
  batchHandler?: never;
}

/**
 * Batches: the handler gets every message already delivered (in delivery order, up to `maxBatch`)
 * without waiting for more — a lone message is handled at once — and all are acked after it
 * succeeded. When a batch fails its events are retried one by one (`batchHandler([event])`), so one
 * bad event is nak'ed with back-off and the others are acked.
 */
export interface BatchConsumeOptions extends CommonConsumeOptions {
  batchHandler: (events: EventEnvelope[]) => Promise<void>;
  /** largest batch; default {@link DEFAULT_MAX_BATCH} */
  maxBatch?: number;
  handler?: never;
}

export type ConsumeOptions = SingleConsumeOptions | BatchConsumeOptions;

interface TypedCommonConsumeOptions<C extends EventContract> {
  /** durable consumer name; replicas of one service share it and so share the work */
  durable: string;
  /** one subject, wildcards allowed (`events.loans.>`), covering every contract in `events` */
  filterSubject: string;
  /** only these events reach the handler (others are acked and skipped); they type its envelopes */
  events: readonly C[];
  /**
   * a durable created now starts with the events published from now on, not the stream's past days
   * (reader notices added to a running network must not replay a month of them); once it exists it
   * resumes where it stopped, like any other
   */
  fromNow?: boolean;
}

/**
 * Typed consumption: `consume({ durable, filterSubject: 'events.loans.>', events: [LoanCreated, LoanClosed],
 * handler: (e) => … })`; `e` is a union discriminated by `e.type`, so `e.type === LoanCreated.subject`
 * narrows `e.data`. One event at a time.
 */
export interface TypedSingleConsumeOptions<C extends EventContract> extends TypedCommonConsumeOptions<C> {
  handler: (event: EnvelopeOf<C>) => Promise<void>;
  batchHandler?: never;
}

/** Typed consumption in batches (as BatchConsumeOptions). */
export interface TypedBatchConsumeOptions<C extends EventContract> extends TypedCommonConsumeOptions<C> {
  batchHandler: (events: EnvelopeOf<C>[]) => Promise<void>;
  /** largest batch; default {@link DEFAULT_MAX_BATCH} */
  maxBatch?: number;
  handler?: never;
}

export type TypedConsumeOptions<C extends EventContract> = TypedSingleConsumeOptions<C> | TypedBatchConsumeOptions<C>;

/**
 * Durable JetStream pull consumers. A message is acked only after its handler succeeded; a failure is
 * retried with back-off. Handlers must be idempotent (JetStream delivers at least once).
 */
@Injectable()
export class EventConsumerService implements OnApplicationShutdown {
  private readonly logger = new Logger(EventConsumerService.name);
  private readonly running: ConsumerMessages[] = [];
  private readonly batchers: EventBatcher[] = [];
  /** durable consumers of this service, for the consumer-lag gauges */
  readonly durables = new Set<string>();

  constructor(private readonly nats: NatsConnectionProvider) {}

  consume<C extends EventContract>(opts: TypedConsumeOptions<C>): Promise<void>;
  /** @deprecated untyped: pass `events` (event contracts from `@app/contracts`) instead of `subjects` */
  consume(opts: ConsumeOptions): Promise<void>;
  async consume(opts: ConsumeOptions | TypedConsumeOptions<EventContract>): Promise<void> {
    const subjects = 'events' in opts ? opts.events.map((e) => e.subject) : opts.subjects;
    const nc = await this.nats.get();
    await ensureEventStream(nc, this.nats.streamReplicas);
    const jsm = await nc.jetstreamManager();
    const config = {
      durable_name: opts.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: opts.fromNow ? DeliverPolicy.New : DeliverPolicy.All,
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
    // callback mode: messages are handed over as they are parsed, so the batcher sees every message
    // that has arrived and can take them all at once; a single-event handler is a batch of one
    // the typed handlers take what the untyped ones take (envelopes of the subjects filtered for)
    const single = opts.handler as ((event: EventEnvelope) => Promise<void>) | undefined;
    const batcher = new EventBatcher({
      subjects,
      maxBatch: single ? 1 : (('maxBatch' in opts ? opts.maxBatch : undefined) ?? DEFAULT_MAX_BATCH),
      handler: single
        ? (events) => single(events[0])
        : (opts.batchHandler as (events: EventEnvelope[]) => Promise<void>),
      logger: this.logger,
    });
    this.batchers.push(batcher);
    this.durables.add(opts.durable);
    this.running.push(await consumer.consume({ max_messages: 256, callback: (m) => batcher.push(m) }));
  }

  async onApplicationShutdown(): Promise<void> {
    for (const b of this.batchers) b.stop();
    await Promise.all(this.running.map((m) => m.close().catch(() => undefined)));
  }
}
