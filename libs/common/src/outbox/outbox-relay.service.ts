import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STREAM, EVENT_SUBJECT_PREFIX } from '@app/contracts';
import { JetStreamClient, JSONCodec, RetentionPolicy, StorageType } from 'nats';
import { DataSource } from 'typeorm';
import { NatsConnectionProvider } from '../messaging/nats-connection.provider';
import { OutboxService } from './outbox.service';

const codec = JSONCodec<unknown>();
const BATCH = 200;
const POLL_MS = 1000;

/** Create the event stream if absent. Every service calls this at boot; it is idempotent. */
export async function ensureEventStream(nc: import('nats').NatsConnection): Promise<void> {
  const jsm = await nc.jetstreamManager();
  try {
    await jsm.streams.info(EVENT_STREAM);
  } catch {
    try {
      await jsm.streams.add({
        name: EVENT_STREAM,
        subjects: [`${EVENT_SUBJECT_PREFIX}>`],
        retention: RetentionPolicy.Limits,
        storage: StorageType.File,
        max_age: 30 * 24 * 3600 * 1_000_000_000, // 30 days, in nanoseconds
        duplicate_window: 10 * 60 * 1_000_000_000, // de-duplicate relays within 10 minutes
      });
    } catch (err) {
      // another service created it in the meantime
      if (!/already in use|exists/i.test((err as Error).message)) throw err;
    }
  }
}

/**
 * Relays committed outbox rows to JetStream. Rows are claimed with FOR UPDATE SKIP LOCKED so
 * replicas share the work, published with the row id as Nats-Msg-Id (the stream drops duplicates
 * if we crash between publish and marking), then marked published in the same transaction.
 */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelayService.name);
  private js?: JetStreamClient;
  private timer?: NodeJS.Timeout;
  private running = false;
  private again = false;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly nats: NatsConnectionProvider,
    outbox: OutboxService,
  ) {
    outbox.onCommitted(() => this.kick());
  }

  async onApplicationBootstrap(): Promise<void> {
    const nc = await this.nats.get();
    await ensureEventStream(nc);
    this.js = nc.jetstream();
    this.timer = setInterval(() => this.kick(), POLL_MS);
    this.timer.unref();
    this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    // let an in-flight batch finish so its rows are marked
    for (let i = 0; i < 50 && this.running; i++) await new Promise((r) => setTimeout(r, 20));
  }

  kick(): void {
    if (this.stopped || !this.js) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.drain()
      .catch((err) => this.logger.warn(`outbox relay: ${(err as Error).message}`))
      .finally(() => {
        this.running = false;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Publish until the outbox is empty. Returns how many events were relayed. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.relayBatch();
      total += n;
      if (n < BATCH || this.stopped) return total;
    }
  }

  private async relayBatch(): Promise<number> {
    const js = this.js!;
    return this.dataSource.transaction(async (manager) => {
      const rows: { id: string; subject: string; envelope: unknown }[] = await manager.query(
        `SELECT id, subject, envelope FROM outbox WHERE published_at IS NULL
         ORDER BY occurred_at, id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
      );
      if (rows.length === 0) return 0;
      // publishes go out in row order on one connection, so per-item event order is kept
      const results = await Promise.allSettled(
        rows.map((row) => js.publish(row.subject, codec.encode(row.envelope), { msgID: row.id }).then(() => row.id)),
      );
      const published = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (published.length > 0) {
        await manager.query(`UPDATE outbox SET published_at = now(), attempts = attempts + 1 WHERE id = ANY($1::uuid[])`, [published]);
      }
      if (failed) {
        this.logger.warn(`outbox relay: ${rows.length - published.length} events not published yet: ${(failed.reason as Error)?.message}`);
        return 0; // stop this drain; the poll retries
      }
      return published.length;
    });
  }
}
