import type { EventEnvelope } from '@app/contracts';
import { JSONCodec } from 'nats';
import { requestContext } from '../logging/request-context';

const codec = JSONCodec<EventEnvelope>();

/** The part of a JetStream message the batcher uses (a `JsMsg`; fakes in unit tests). */
export interface BatchableMsg {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly info: { readonly redeliveryCount: number };
  ack(): void;
  nak(millis?: number): void;
  term(): void;
}

interface BatchLogger {
  warn(message: string): void;
  error(message: string): void;
}

export interface EventBatcherOptions {
  /** only these subjects reach the handler; others are acked and skipped */
  subjects?: string[];
  maxBatch: number;
  handler: (events: EventEnvelope[]) => Promise<void>;
  logger: BatchLogger;
}

interface Decoded {
  msg: BatchableMsg;
  event: EventEnvelope;
}

/** Back-off of a failed event: 0.5 s doubling per redelivery, at most 30 s. */
export function retryDelay(redeliveryCount: number): number {
  return Math.min(30_000, 500 * 2 ** Math.min(redeliveryCount, 6));
}

/**
 * Hands delivered messages to a batch handler. Messages are queued as they arrive; while the handler
 * is busy new ones wait, and the next call takes everything queued (up to `maxBatch`). Nothing waits
 * for more messages than have arrived: a lone message starts its batch in the same tick (after the
 * current parse, so messages arriving in one read end up in one batch). All messages of a batch are
 * acked after the handler succeeded; if it failed, each event is retried alone so one bad event is
 * nak'ed with back-off and does not hold back the others.
 */
export class EventBatcher {
  private queue: BatchableMsg[] = [];
  private pumping?: Promise<void>;
  private stopped = false;

  constructor(private readonly opts: EventBatcherOptions) {}

  push(msg: BatchableMsg): void {
    if (this.stopped) return; // not acked: redelivered after ack_wait
    this.queue.push(msg);
    if (!this.pumping) this.pumping = Promise.resolve().then(() => this.pump());
  }

  /** Take no more batches (queued messages are redelivered after ack_wait). */
  stop(): void {
    this.stopped = true;
    this.queue = [];
  }

  /** Resolves when everything queued so far has been handled (for tests). */
  async idle(): Promise<void> {
    while (this.pumping) await this.pumping;
  }

  private async pump(): Promise<void> {
    try {
      while (this.queue.length > 0 && !this.stopped) {
        const taken = this.queue.length <= this.opts.maxBatch ? this.queue : this.queue.slice(0, this.opts.maxBatch);
        this.queue = taken === this.queue ? [] : this.queue.slice(this.opts.maxBatch);
        await this.process(taken);
      }
    } finally {
      this.pumping = undefined;
    }
  }

  private async process(msgs: BatchableMsg[]): Promise<void> {
    const batch: Decoded[] = [];
    for (const msg of msgs) {
      if (this.opts.subjects && !this.opts.subjects.includes(msg.subject)) {
        settle(() => msg.ack());
        continue;
      }
      try {
        batch.push({ msg, event: codec.decode(msg.data) });
      } catch {
        this.opts.logger.error(`dropping undecodable event on ${msg.subject}`);
        settle(() => msg.term());
      }
    }
    if (batch.length === 0) return;
    if (batch.length === 1) return this.one(batch[0]);
    try {
      const events = batch.map((d) => d.event);
      await requestContext.run({ correlationId: batchCorrelationId(events) }, () => this.opts.handler(events));
    } catch (err) {
      this.opts.logger.warn(
        `batch of ${batch.length} events failed, handling them one by one: ${(err as Error).message}`,
      );
      for (const d of batch) await this.one(d);
      return;
    }
    for (const d of batch) settle(() => d.msg.ack());
  }

  /** One event alone, under its own correlation id; nak'ed with back-off on failure. */
  private async one({ msg, event }: Decoded): Promise<void> {
    try {
      await requestContext.run({ correlationId: event.correlationId ?? event.id }, () => this.opts.handler([event]));
    } catch (err) {
      const delay = retryDelay(msg.info.redeliveryCount);
      this.opts.logger.warn(
        `event ${event.id} (${msg.subject}) failed, retry in ${delay} ms: ${(err as Error).message}`,
      );
      settle(() => msg.nak(delay));
      return;
    }
    settle(() => msg.ack());
  }
}

/**
 * The correlation id a batch runs under: the events' own when they all share one, otherwise a new id
 * for the batch (the handler's log lines name the events they are about).
 */
export function batchCorrelationId(events: EventEnvelope[]): string {
  const first = events[0].correlationId ?? events[0].id;
  return events.every((e) => (e.correlationId ?? e.id) === first) ? first : requestContext.newId();
}

/** ack/nak/term on a closing connection throw; the message is then simply redelivered. */
function settle(fn: () => void): void {
  try {
    fn();
  } catch {
    // redelivered after ack_wait
  }
}
