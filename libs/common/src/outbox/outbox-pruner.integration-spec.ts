import { createTestEnvironment, TestEnvironment } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { BaseEnvDto } from '../config/base-env.dto';
import { buildDataSourceOptions, ensureSchema } from '../persistence/database.options';
import { outboxTableSql } from './outbox-event.entity';
import { OutboxPrunerService } from './outbox-pruner.service';

describe('OutboxPrunerService (real PostgreSQL)', () => {
  let env: TestEnvironment;
  let ds: DataSource;
  const pruner = (days: number) =>
    new OutboxPrunerService(ds, Object.assign(new BaseEnvDto(), { OUTBOX_RETENTION_DAYS: days }));

  /** Rows relayed `publishedDaysAgo` days ago (null: not relayed yet), occurring a day before that. */
  const insert = async (label: string, count: number, publishedDaysAgo: number | null) => {
    for (let i = 0; i < count; i++) {
      await ds.query(
        `INSERT INTO outbox (id, subject, envelope, occurred_at, published_at)
         VALUES ($1, $2, '{}', now() - make_interval(days => coalesce($3::int, 0) + 1), now() - make_interval(days => $3::int))`,
        [randomUUID(), label, publishedDaysAgo],
      );
    }
  };
  const left = async () =>
    Object.fromEntries(
      (await ds.query(`SELECT subject, count(*)::int AS n FROM outbox GROUP BY subject`)).map(
        (r: { subject: string; n: number }) => [r.subject, r.n],
      ),
    );

  beforeAll(async () => {
    env = await createTestEnvironment('pruner');
    await ensureSchema(env.databaseUrl, 'prunetest');
    ds = new DataSource(
      buildDataSourceOptions({
        url: env.databaseUrl,
        schema: 'prunetest',
        entities: [],
        migrations: [],
        migrate: false,
      }),
    );
    await ds.initialize();
    for (const sql of outboxTableSql('prunetest')) await ds.query(sql);
  });

  afterAll(async () => {
    await ds?.destroy();
    await env?.stop();
  });

  beforeEach(() => ds.query('TRUNCATE outbox'));

  it('deletes relayed rows past the retention, in batches, and keeps the recent and the unrelayed ones', async () => {
    await insert('old', 23, 40);
    await insert('recent', 3, 5);
    await insert('unrelayed', 4, null);
    await ds.query(`UPDATE outbox SET occurred_at = now() - interval '400 days' WHERE subject = 'unrelayed'`);
    expect(await pruner(30).prune(10)).toBe(23); // three batches: 10, 10, 3
    expect(await left()).toEqual({ recent: 3, unrelayed: 4 });
    expect(await pruner(30).prune(10)).toBe(0);
    expect(await pruner(3).prune()).toBe(3);
    expect(await left()).toEqual({ unrelayed: 4 });
  });

  it('keeps everything with OUTBOX_RETENTION_DAYS=0', async () => {
    await insert('old', 2, 4000);
    expect(await pruner(0).prune()).toBe(0);
    expect(await left()).toEqual({ old: 2 });
  });
});
