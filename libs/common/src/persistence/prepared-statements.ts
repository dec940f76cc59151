import { Client, QueryConfig } from 'pg';

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
const MAX_NAMED = 2000;
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

/** pg's `query` has many overloads; only (text, values[]) without a callback — how TypeORM calls it — is rewritten. */
function preparingQuery(this: Client, ...args: unknown[]): unknown {
  const [text, values, callback] = args;
  if (typeof text === 'string' && Array.isArray(values) && values.length > 0 && callback === undefined) {
    const name = statementName(text);
    if (name !== undefined) return baseQuery.call(this, { name, text, values } satisfies QueryConfig);
  }
  return baseQuery.apply(this, args);
}

export class PreparingClient extends Client {}
(PreparingClient.prototype as unknown as { query: AnyQuery }).query = preparingQuery;
