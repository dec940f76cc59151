import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STREAM, EVENT_SUBJECT_PREFIX } from '@app/contracts';
import { Events, JetStreamClient, JSONCodec, RetentionPolicy, StorageType } from 'nats';
import { DataSource } from 'typeorm';
import { NatsConnectionProvider } from '../messaging/nats-connection.provider';
import { metricHistogram } from '../metrics/metrics-registry';
import { OutboxService } from './outbox.service';

const codec = JSONCodec<unknown>();
/** Relay lag: from the commit of an event's transaction (its occurred_at) to its publish. */
const relayLag = () =>
  metricHistogram(
    'outbox_relay_lag_seconds',
    'Time from an event being written to the outbox to its publish on JetStream',
    [],
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  );
const BATCH = 200;
const POLL_MS = 1000;
/** Published within this long before a reconnect: sent again (inside the stream's 10-minute de-duplication window). */
const RESEND_WINDOW_SECONDS = 540;
/** At most this many rows per resend (a busy network writes ~100 events a minute). */
const RESEND_LIMIT = 20_000;
/** How long a commit notification waits for others to share its drain. */
export const KICK_DELAY_MS = 2;

/**
 * Create the event stream if absent. Every service calls this at boot; it is idempotent. On a NATS
 * cluster `replicas` (NATS_STREAM_REPLICAS) copies are kept, so losing a node loses no event; an
 * existing stream keeps the replicas it was created with (change them with `nats stream edit`).
 */
export async function ensureEventStream(nc: import('nats').NatsConnection, replicas = 1): Promise<void> {
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
        num_replicas: replicas,
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
 *
 * Per batch: one statement claims and marks the rows (`UPDATE … RETURNING`), the rows are published in
 * order, then the transaction commits; rows whose publish failed are unmarked before the commit, and
 * nothing published at all rolls back. The commit need not be durable (`synchronous_commit off`): a
 * marking lost in a crash only republishes rows already published, which the stream de-duplicates
 * (and consumers are idempotent). Commit notifications are coalesced for a moment
 * ({@link KICK_DELAY_MS}) so that under load one drain relays many rows instead of one each.
 */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelayService.name);
  private js?: JetStreamClient;
  private timer?: NodeJS.Timeout;
  private scheduled?: NodeJS.Timeout;
  private running = false;
  private again = false;
  private stopped = false;
  /** NATS reconnected: recent events are sent again before the next batch (see resendRecent) */
  private resend = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly nats: NatsConnectionProvider,
    outbox: OutboxService,
  ) {
    outbox.onCommitted(() => this.kick());
  }

  async onApplicationBootstrap(): Promise<void> {
    const nc = await this.nats.get();
    await ensureEventStream(nc, this.nats.streamReplicas);
    this.js = nc.jetstream();
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type !== Events.Reconnect) continue;
        this.resend = true;
        this.kick();
      }
    })().catch(() => undefined);
    this.timer = setInterval(() => this.kick(), POLL_MS);
    this.timer.unref();
    this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.scheduled) clearTimeout(this.scheduled);
    // let an in-flight batch finish so its rows are marked
    for (let i = 0; i < 50 && this.running; i++) await new Promise((r) => setTimeout(r, 20));
  }

  /** Relay soon: kicks within {@link KICK_DELAY_MS} (and during a drain) share one drain. */
  kick(): void {
    if (this.stopped || !this.js) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.scheduled) return;
    this.scheduled = setTimeout(() => {
      this.scheduled = undefined;
      this.run();
    }, KICK_DELAY_MS);
  }

  private run(): void {
    if (this.stopped || this.running) return;
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
    if (this.resend) {
      this.resend = false;
      await this.resendRecent().catch((err: Error) => {
        this.resend = true; // NATS went away again: the next drain tries once more
        throw err;
      });
    }
    for (;;) {
      const n = await this.relayBatch();
      total += n;
      if (n < BATCH || this.stopped) return total;
    }
  }

  /**
   * After a reconnect, the events published in the last minutes are sent again with their ids. A
   * nats-server whose machine crashed loses what it had acknowledged but not yet synced to disk
   * (JetStream syncs every 2 minutes by default); the stream stores what it lacks and drops, by
   * Nats-Msg-Id, what it has, and consumers are idempotent and order-tolerant. Returns how many the
   * stream lacked (docs/reliability.md).
   */
  async resendRecent(): Promise<number> {
    const js = this.js!;
    const rows = (await this.dataSource.query(
      `SELECT id, subject, envelope FROM outbox
        WHERE published_at IS NOT NULL AND published_at > now() - make_interval(secs => $1)
        ORDER BY occurred_at, id LIMIT $2`,
      [RESEND_WINDOW_SECONDS, RESEND_LIMIT],
    )) as Omit<ClaimedRow, 'at_us'>[];
    let restored = 0;
    for (let i = 0; i < rows.length; i += BATCH) {
      const acks = await Promise.all(
        rows.slice(i, i + BATCH).map((row) => js.publish(row.subject, codec.encode(row.envelope), { msgID: row.id })),
      );
      restored += acks.filter((a) => !a.duplicate).length;
    }
    if (restored > 0)
      this.logger.warn(
        `outbox relay: after a NATS reconnect, ${restored} of ${rows.length} recent events were missing from the stream and were published again`,
      );
    return restored;
  }

  private async relayBatch(): Promise<number> {
    const js = this.js!;
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    let open = false;
    try {
      // one round trip (no parameters: the simple protocol takes both statements)
      await runner.query('BEGIN; SET LOCAL synchronous_commit TO off');
      open = true;
      const [claimed] = (await runner.query(
        `UPDATE outbox o SET published_at = now(), attempts = o.attempts + 1
         FROM (SELECT id FROM outbox WHERE published_at IS NULL ORDER BY occurred_at, id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED) c
         WHERE o.id = c.id
         RETURNING o.id, o.subject, o.envelope, (extract(epoch FROM o.occurred_at) * 1000000)::bigint AS at_us`,
      )) as [ClaimedRow[], number];
      if (claimed.length === 0) {
        await runner.query('COMMIT'); // nothing written: no WAL, a cheap commit
        open = false;
        return 0;
      }
      // RETURNING has no order: publish in (occurred_at, id) order, as claimed
      const rows = claimed.sort(byOccurrence);
      // publishes go out in row order on one connection, so per-item event order is kept
      const results = await Promise.allSettled(
        rows.map((row) => js.publish(row.subject, codec.encode(row.envelope), { msgID: row.id }).then(() => row.id)),
      );
      const published = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      const lag = relayLag();
      const nowUs = Date.now() * 1000;
      for (let i = 0; i < rows.length; i++)
        if (results[i].status === 'fulfilled') lag.observe(Math.max(0, (nowUs - Number(rows[i].at_us)) / 1e6));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (published.length === 0) {
        await runner.query('ROLLBACK');
      } else {
        if (failed) {
          const unpublished = rows.map((r) => r.id).filter((id) => !published.includes(id));
          await runner.query(
            `UPDATE outbox SET published_at = NULL, attempts = attempts - 1 WHERE id = ANY($1::uuid[])`,
            [unpublished],
          );
        }
        await runner.query('COMMIT');
      }
      open = false;
      if (failed) {
        this.logger.warn(
          `outbox relay: ${rows.length - published.length} events not published yet: ${(failed.reason as Error)?.message}`,
        );
        return 0; // stop this drain; the poll retries
      }
      return published.length;
    } finally {
      if (open) await runner.query('ROLLBACK').catch(() => undefined);
      await runner.release();
    }
  }
}

interface ClaimedRow {
  id: string;
  subject: string;
  envelope: unknown;
  /** occurred_at in microseconds since the epoch (int8 comes as text; exact as a number until 2255) */
  at_us: string;
}

function byOccurrence(a: ClaimedRow, b: ClaimedRow): number {
  // uuid order in PostgreSQL is byte order, the order of their lower-case text
  return Number(a.at_us) - Number(b.at_us) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
