import { EVENT_STREAM } from '@app/contracts';
import { createTestEnvironment, eventually, TestEnvironment } from '@app/testing';
import { JSONCodec } from 'nats';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { NatsConnectionProvider } from '../messaging/nats-connection.provider';
import { buildDataSourceOptions, ensureSchema } from '../persistence/database.options';
import { outboxTableSql } from './outbox-event.entity';
import { OutboxRelayService } from './outbox-relay.service';
import { OutboxService } from './outbox.service';

/** The relay on real PostgreSQL + JetStream: order, exactly-one claim between replicas, failed publishes stay. */
describe('OutboxRelayService (real PostgreSQL + NATS)', () => {
  let env: TestEnvironment;
  let ds: DataSource;
  const started: { relay: OutboxRelayService; nats: NatsConnectionProvider; outbox: OutboxService }[] = [];
  const codec = JSONCodec<{ id: string; data: { n: number } }>();

  const startRelay = async () => {
    const outbox = new OutboxService('relaytest');
    const nats = new NatsConnectionProvider({ servers: env.natsUrl, name: 'relaytest' });
    const relay = new OutboxRelayService(ds, nats, outbox);
    await relay.onApplicationBootstrap();
    started.push({ relay, nats, outbox });
    return { outbox, relay };
  };

  /** Every message of the stream under `prefix`, in stream order. */
  const streamed = async (prefix: string) => {
    const nc = await started[0].nats.get();
    const jsm = await nc.jetstreamManager();
    const { state } = await jsm.streams.info(EVENT_STREAM);
    const out: { subject: string; id: string; n: number }[] = [];
    for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
      const m = await jsm.streams.getMessage(EVENT_STREAM, { seq });
      if (!m.subject.startsWith(prefix)) continue;
      const e = codec.decode(m.data);
      out.push({ subject: m.subject, id: e.id, n: e.data.n });
    }
    return out;
  };

  beforeAll(async () => {
    env = await createTestEnvironment('relay');
    await ensureSchema(env.databaseUrl, 'relaytest');
    ds = new DataSource(
      buildDataSourceOptions({
        url: env.databaseUrl,
        schema: 'relaytest',
        entities: [],
        migrations: [],
        migrate: false,
      }),
    );
    await ds.initialize();
    for (const sql of outboxTableSql('relaytest')) await ds.query(sql);
  });

  afterAll(async () => {
    for (const { relay, nats } of started) {
      await relay.onApplicationShutdown();
      await nats.onApplicationShutdown();
    }
    await ds?.destroy();
    await env?.stop();
  });

  it('publishes committed rows in (occurred_at, id) order, each marked once', async () => {
    const a = await startRelay();
    const base = Date.now();
    // 30 commits of 10 rows each, one after the other; inside a commit the rows' times run backwards
    for (let t = 0; t < 30; t++) {
      await ds.transaction(async (m) => {
        for (let i = 9; i >= 0; i--)
          await a.outbox.add(m, `events.relaytest.item${t % 3}`, { n: t * 10 + i }, new Date(base + t * 10 + i));
      });
      a.outbox.notifyCommitted();
    }
    await eventually(
      async () => (await ds.query(`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`))[0].n === 0,
    );
    const rows: { attempts: number }[] = await ds.query(`SELECT attempts FROM outbox`);
    expect(rows).toHaveLength(300);
    expect(rows.every((r) => r.attempts === 1)).toBe(true);
    const msgs = await streamed('events.relaytest.item');
    expect(new Set(msgs.map((m) => m.id)).size).toBe(300);
    // per subject (one item's events) in the order they happened
    for (const subject of ['events.relaytest.item0', 'events.relaytest.item1', 'events.relaytest.item2']) {
      const ns = msgs.filter((m) => m.subject === subject).map((m) => m.n);
      expect(ns).toHaveLength(100);
      expect(ns).toEqual([...ns].sort((x, y) => x - y));
    }
  });

  it('two replicas kicked at once share the rows through SKIP LOCKED: each claimed, published and marked once', async () => {
    const a = started[0];
    const b = await startRelay();
    await Promise.all(
      Array.from({ length: 20 }, (_, t) =>
        ds
          .transaction(async (m) => {
            for (let i = 0; i < 10; i++) await b.outbox.add(m, 'events.relaytest.shared', { n: t * 10 + i });
          })
          .then(() => {
            a.relay.kick();
            b.relay.kick();
          }),
      ),
    );
    await eventually(
      async () => (await ds.query(`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`))[0].n === 0,
    );
    const rows: { attempts: number }[] = await ds.query(
      `SELECT attempts FROM outbox WHERE subject = 'events.relaytest.shared'`,
    );
    expect(rows).toHaveLength(200);
    expect(rows.every((r) => r.attempts === 1)).toBe(true);
    expect(new Set((await streamed('events.relaytest.shared')).map((m) => m.n)).size).toBe(200);
  });

  it('a row whose publish fails stays unpublished (not counted) while the rest of its batch is marked', async () => {
    const { outbox, relay } = started[0];
    const ids: string[] = [];
    await ds.transaction(async (m) => {
      ids.push((await outbox.add(m, 'events.relaytest.ok', { n: 1 })).id);
      ids.push((await outbox.add(m, 'nostream.relaytest', { n: 2 })).id); // no stream takes this subject
      ids.push((await outbox.add(m, 'events.relaytest.ok', { n: 3 })).id);
    });
    relay.kick();
    await eventually(
      async () =>
        (
          await ds.query(
            `SELECT count(*)::int AS n FROM outbox WHERE id = ANY($1::uuid[]) AND published_at IS NOT NULL`,
            [ids],
          )
        )[0].n === 2,
    );
    const rows: { id: string; published: boolean; attempts: number }[] = await ds.query(
      `SELECT id, published_at IS NOT NULL AS published, attempts FROM outbox WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(ids.map((id) => [byId.get(id)!.published, byId.get(id)!.attempts])).toEqual([
      [true, 1],
      [false, 0],
      [true, 1],
    ]);
    expect((await streamed('events.relaytest.ok')).map((m) => m.n).sort()).toEqual([1, 3]); // order: see the first test
    await ds.query(`DELETE FROM outbox WHERE id = $1`, [ids[1]]); // stop the poll retrying it
  });

  it('after a reconnect, recent events the stream lacks are published again and the ones it has are dropped by id', async () => {
    const { outbox, relay } = started[0];
    // two events relayed as usual, and two the relay marked published that the stream does not have
    // (what a nats-server killed before writing them leaves behind)
    await ds.transaction(async (m) => {
      for (const n of [1, 2]) await outbox.add(m, 'events.relaytest.resend', { n });
    });
    relay.kick();
    await eventually(async () => (await streamed('events.relaytest.resend')).length === 2);
    for (const n of [3, 4]) {
      const id = randomUUID();
      await ds.query(
        `INSERT INTO outbox (id, subject, envelope, published_at, attempts) VALUES ($1, 'events.relaytest.resend', $2, now(), 1)`,
        [id, JSON.stringify({ id, data: { n } })],
      );
    }
    expect(await relay.resendRecent()).toBe(2);
    expect((await streamed('events.relaytest.resend')).map((e) => e.n).sort()).toEqual([1, 2, 3, 4]);
    // again: the stream has them all now
    expect(await relay.resendRecent()).toBe(0);
    expect(await streamed('events.relaytest.resend')).toHaveLength(4);
  });
});
