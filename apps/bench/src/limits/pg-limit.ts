import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { newHistogram, recordMs, summarize, LatencySummary } from '../report/latency-histogram';

export interface PgLimitResult {
  tx_per_s: number;
  concurrency: number;
  duration_s: number;
  transactions: number;
  latency: LatencySummary;
  statements: string[];
  settings: Record<string, string>;
}

const SCHEMA = 'bench_scratch';
const ITEMS = 100_000;
const PATRONS = 20_000;

export const PG_CHECKOUT_STATEMENTS = [
  'BEGIN',
  `SELECT id, status FROM ${SCHEMA}.items WHERE id = $1 FOR UPDATE`,
  `INSERT INTO ${SCHEMA}.loans (id, item_id, patron_id, checked_out_at, due_at) VALUES ($1, $2, $3, now(), now() + interval '30 days')`,
  `UPDATE ${SCHEMA}.patron_counters SET open_loans = open_loans + 1 WHERE patron_id = $1`,
  'COMMIT',
];

/**
 * The PostgreSQL ceiling on this machine: a checkout-shaped transaction (lock the item row, insert a
 * loan, bump a counter, commit) with `pg` alone, at the same concurrency, against the same database
 * (scratch schema, dropped afterwards). Commits are durable as the suite's are.
 */
export async function measurePgLimit(
  databaseUrl: string,
  concurrency: number,
  durationMs: number,
): Promise<PgLimitResult> {
  const admin = new Client({ connectionString: databaseUrl, application_name: 'bench-pg-limit' });
  await admin.connect();
  const clients: Client[] = [];
  try {
    await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await admin.query(`CREATE SCHEMA ${SCHEMA}`);
    await admin.query(
      `CREATE TABLE ${SCHEMA}.items (id int PRIMARY KEY, barcode text NOT NULL, status text NOT NULL DEFAULT 'available')`,
    );
    await admin.query(
      `CREATE TABLE ${SCHEMA}.loans (id uuid PRIMARY KEY, item_id int NOT NULL, patron_id int NOT NULL, checked_out_at timestamptz NOT NULL, due_at timestamptz NOT NULL)`,
    );
    await admin.query(
      `CREATE TABLE ${SCHEMA}.patron_counters (patron_id int PRIMARY KEY, open_loans int NOT NULL DEFAULT 0)`,
    );
    await admin.query(
      `INSERT INTO ${SCHEMA}.items SELECT g, 'S' || g, 'available' FROM generate_series(1, ${ITEMS}) g`,
    );
    await admin.query(`INSERT INTO ${SCHEMA}.patron_counters SELECT g, 0 FROM generate_series(1, ${PATRONS}) g`);
    await admin.query(`ANALYZE ${SCHEMA}.items`);
    await admin.query(`ANALYZE ${SCHEMA}.patron_counters`);
    const settings: Record<string, string> = {};
    for (const s of ['synchronous_commit', 'fsync', 'shared_buffers', 'max_connections', 'server_version']) {
      settings[s] = (await admin.query(`SHOW ${s}`)).rows[0][s];
    }
    // the same connection the services use (embedded: the Unix socket), so the ratio compares like with like
    settings.connection = (
      await admin.query(`SELECT CASE WHEN inet_client_addr() IS NULL THEN 'unix socket' ELSE 'tcp' END AS c`)
    ).rows[0].c;
    for (let i = 0; i < concurrency; i++) {
      const c = new Client({ connectionString: databaseUrl, application_name: 'bench-pg-limit' });
      await c.connect();
      clients.push(c);
    }
    const h = newHistogram();
    let tx = 0;
    const one = async (c: Client) => {
      const item = 1 + Math.floor(Math.random() * ITEMS);
      const patron = 1 + Math.floor(Math.random() * PATRONS);
      await c.query('BEGIN');
      try {
        await c.query({ name: 'bench-lock-item', text: PG_CHECKOUT_STATEMENTS[1], values: [item] });
        await c.query({
          name: 'bench-insert-loan',
          text: PG_CHECKOUT_STATEMENTS[2],
          values: [randomUUID(), item, patron],
        });
        await c.query({ name: 'bench-count', text: PG_CHECKOUT_STATEMENTS[3], values: [patron] });
        await c.query('COMMIT');
      } catch (err) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    };
    for (const c of clients) await one(c); // prepare statements on every connection
    const t0 = performance.now();
    const end = t0 + durationMs;
    await Promise.all(
      clients.map(async (c) => {
        while (performance.now() < end) {
          const s = performance.now();
          await one(c);
          recordMs(h, performance.now() - s);
          tx++;
        }
      }),
    );
    const secs = (performance.now() - t0) / 1000;
    return {
      tx_per_s: Math.round(tx / secs),
      concurrency,
      duration_s: Math.round(secs * 100) / 100,
      transactions: tx,
      latency: summarize(h),
      statements: PG_CHECKOUT_STATEMENTS,
      settings,
    };
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`).catch(() => undefined);
    await admin.end();
  }
}
