import { Client, ClientConfig, QueryConfig } from 'pg';
import type { EntityManager, QueryRunner } from 'typeorm';
import { StatementBatch } from './statement-batch';

/**
 * Parameterised statements that repeat are sent as named prepared statements, so PostgreSQL parses
 * them once per connection instead of on every call. Measured on the 2-core VM: the catalog item
 * look-up costs the backend ~125 µs of CPU unnamed and ~35 µs named — and PostgreSQL was the largest
 * CPU consumer of the whole suite (docs/performance.md). TypeORM's `query(text, params)` cannot name a
 * statement, so the pool's client class does it (pg-pool's `Client` option).
 *
 * Only texts seen `NAME_AFTER` times are named (one-off statements, e.g. migrations, stay unnamed), and
 * at most `MAX_NAMED` texts ever get a name: a prepared statement lives as long as its connection, so
 * the set must stay bounded even if some caller builds texts dynamically.
 */
const NAME_AFTER = 2;
const MAX_NAMED = 500;
const MAX_TRACKED = 10_000;

const names = new Map<string, string>();
const seen = new Map<string, number>();

/** The statement name for this text, or undefined to send it unnamed (exported for tests). */
export function statementName(text: string): string | undefined {
  const known = names.get(text);
  if (known !== undefined) return known;
  if (names.size >= MAX_NAMED) return undefined;
  const count = (seen.get(text) ?? 0) + 1;
  if (count < NAME_AFTER) {
    if (seen.size >= MAX_TRACKED) seen.clear();
    seen.set(text, count);
    return undefined;
  }
  seen.delete(text);
  // names are per process and unique per text, so a connection never sees one name with two texts
  const name = `s${names.size + 1}`;
  names.set(text, name);
  return name;
}

type AnyQuery = (this: Client, ...args: unknown[]) => unknown;
const baseQuery = Client.prototype.query as unknown as AnyQuery;

export type Statement = [text: string, values?: unknown[]];
const BEGIN: Statement = ['BEGIN'];

const noResult = (command: string) => ({ command, rowCount: null, oid: null, rows: [], fields: [] });

/**
 * The pool's client class (pg-pool's `Client` option) when DB_PREPARED_STATEMENTS is on. It saves
 * PostgreSQL round trips, which is what the suite is bound by (docs/performance.md):
 * - statements seen before go out as named prepared statements (parsed and planned once per connection);
 * - the client runs in pg's pipeline mode, so statements written together are not each waited for:
 *   a transaction's `BEGIN` goes out with its first statement, and rows the transactional outbox adds
 *   (`deferUntilCommit`) go out with its `COMMIT` — one round trip each instead of two or more;
 * - statements written together go as one StatementBatch (one Sync), so they are answered in one packet.
 * Statement order and transaction semantics are unchanged: PostgreSQL still runs them one by one.
 * TypeORM's own transaction statements (START TRANSACTION, COMMIT, ROLLBACK) are recognised by text.
 * pg refuses cursors and streams (pg-cursor, pg-query-stream, COPY streams) in pipeline mode: code that
 * needs one opens its own plain `pg.Client` (as the bench's loader does for COPY).
 */
export class PreparingClient extends Client {
  private beginPending = false;
  private inTransaction = false;
  private beforeCommit: Statement[] = [];

  constructor(config?: ClientConfig) {
    super({ ...config, pipeline: true } as ClientConfig);
  }

  /**
   * Queue a statement to be sent with this transaction's COMMIT (its error, if any, fails the commit
   * and the transaction). False when no transaction of ours is open: the caller runs it itself.
   */
  deferUntilCommit(text: string, values: unknown[]): boolean {
    if (!this.inTransaction) return false;
    this.beforeCommit.push([text, values]);
    return true;
  }

  /**
   * Several statements of the open transaction in one round trip (with a pending BEGIN in front); each
   * still runs after the one before it, with its own snapshot. Resolves with each one's rows.
   */
  async queryTogether(statements: Statement[]): Promise<unknown[][]> {
    const sendBegin = this.beginPending;
    this.beginPending = false;
    const all = (sendBegin ? [BEGIN] : []).concat(statements);
    const results = (await this.together(all, true)) as { rows: unknown[] }[];
    return results.slice(sendBegin ? 1 : 0).map((r) => r.rows);
  }

  /**
   * Statements written in one go and answered in one go (StatementBatch: one Sync for all); resolves with
   * the last one's result (or all), rejects with the first error.
   */
  private async together(statements: Statement[], all = false): Promise<unknown> {
    const parts = statements.map(([text, values]) => ({ text, values, name: nameFor(text, values) }));
    const batch = new StatementBatch(parts, (this as unknown as { _types: unknown })._types);
    baseQuery.call(this, batch);
    const results = await batch.promise;
    return all ? results : results[results.length - 1];
  }

  static query(this: void, client: PreparingClient, args: unknown[]): unknown {
    const [text, values, callback] = args;
    if (typeof text !== 'string' || callback !== undefined || (values !== undefined && !Array.isArray(values))) {
      return baseQuery.apply(client, args);
    }
    const bare = values === undefined || (values as unknown[]).length === 0;
    if (bare && text === 'START TRANSACTION' && !client.inTransaction) {
      client.inTransaction = true;
      client.beginPending = true;
      client.beforeCommit = [];
      return Promise.resolve(noResult('BEGIN'));
    }
    if (bare && (text === 'COMMIT' || text === 'ROLLBACK') && client.inTransaction) {
      const sendBegin = client.beginPending;
      const deferred = client.beforeCommit;
      client.inTransaction = false;
      client.beginPending = false;
      client.beforeCommit = [];
      if (text === 'ROLLBACK') return sendBegin ? Promise.resolve(noResult('ROLLBACK')) : send(client, [text]);
      if (sendBegin && deferred.length === 0) return Promise.resolve(noResult('COMMIT')); // nothing ran
      return client.together([...(sendBegin ? [BEGIN] : []), ...deferred, [text]]);
    }
    if (client.beginPending) {
      client.beginPending = false;
      return client.together([BEGIN, [text, values as unknown[] | undefined]]);
    }
    return send(client, [text, values as unknown[] | undefined]);
  }
}

/** The name a statement goes out under: only parameterised statements, once they repeat (statementName). */
function nameFor(text: string, values: unknown[] | undefined): string | undefined {
  return values !== undefined && values.length > 0 ? statementName(text) : undefined;
}

/** One statement, named once it repeats. */
function send(client: Client, [text, values]: Statement): unknown {
  const name = nameFor(text, values);
  if (name !== undefined) return baseQuery.call(client, { name, text, values } satisfies QueryConfig);
  return values !== undefined && values.length > 0
    ? baseQuery.call(client, text, values)
    : baseQuery.call(client, text);
}

(PreparingClient.prototype as unknown as { query: AnyQuery }).query = function (this: Client, ...args: unknown[]) {
  return PreparingClient.query(this as PreparingClient, args);
};

/**
 * Run statements of `m`'s transaction in one round trip when its connection can (a PreparingClient
 * inside a transaction), else one after the other. Each statement runs after the previous one, with
 * its own snapshot, exactly as if awaited in turn; use it for statements whose inputs do not depend on
 * each other's results (a lock and the read it protects, say). Resolves with each statement's rows.
 */
export async function queryTogether(m: EntityManager, statements: Statement[]): Promise<unknown[][]> {
  const client = transactionClient(m);
  if (client) return client.queryTogether(statements);
  const out: unknown[][] = [];
  for (const [text, values] of statements) out.push(await m.query(text, values));
  return out;
}

/**
 * A write whose result nobody reads (an outbox row, an UPDATE of a row already locked): inside a
 * top-level transaction on a PreparingClient it travels with the COMMIT (its error fails the commit and
 * the transaction); otherwise it runs now. Statements of the transaction sent later still run before it,
 * so use it only for a write nothing else in the transaction reads back.
 */
export async function executeWithCommit(m: EntityManager, [text, values = []]: Statement): Promise<void> {
  // only at the top level: a ROLLBACK TO SAVEPOINT could not take a deferred statement back
  if (transactionClient(m, true)?.deferUntilCommit(text, values)) return;
  await m.query(text, values);
}

/** The PreparingClient under `m` while `m` is in a transaction (`topLevel`: not inside a savepoint), else undefined. */
function transactionClient(m: EntityManager, topLevel = false): PreparingClient | undefined {
  const runner = m.queryRunner as
    (QueryRunner & { transactionDepth?: number; databaseConnection?: unknown }) | undefined;
  const client = runner?.databaseConnection;
  if (!runner?.isTransactionActive || !(client instanceof PreparingClient)) return undefined;
  return topLevel && runner.transactionDepth !== 1 ? undefined : client;
}
