import { Query, QueryResult } from 'pg';
/** pg.Query, untyped: the batch replaces its protocol handlers (pg accepts only Query instances in pipeline mode) */
const QueryBase = Query as unknown as new (config: { text: string }) => object;
// pg's own row container and value serialiser, so rows and parameters come out exactly as pg.Query's
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Result = require('pg/lib/result') as new (rowMode: unknown, types: unknown) => PgResult;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prepareValue } = require('pg/lib/utils') as { prepareValue(v: unknown): unknown };

interface PgResult extends QueryResult {
  addFields(fields: unknown[]): void;
  parseRow(fields: unknown[]): unknown;
  addRow(row: unknown): void;
  addCommandComplete(msg: unknown): void;
}

/** What pg's Connection offers that the batch writes with (the extended-query protocol messages). */
interface PgConnection {
  stream: { cork(): void; uncork(): void };
  parsedStatements: Record<string, string>;
  submittedNamedStatements: Record<string, string>;
  parse(q: { text: string; name?: string }): void;
  bind(c: { portal: string; statement?: string; values: unknown[]; valueMapper: (v: unknown) => unknown }): void;
  describe(m: { type: 'P'; name: string }): void;
  execute(c: { portal: string }): void;
  sync(): void;
}

export interface BatchPart {
  text: string;
  values?: unknown[];
  /** prepared-statement name (parsed once per connection), or undefined for an unnamed statement */
  name?: string;
}

/**
 * Several statements as one pg query with a single Sync at the end: PostgreSQL answers the whole batch
 * in one packet (it flushes at each Sync; pg's pipeline mode puts one after every statement, so a
 * five-statement round trip came back as ~3 packets, each waking the service). Semantics are those of
 * the same statements sent one after the other in the open transaction: each runs after the one
 * before with its own snapshot; the first error ends the batch (PostgreSQL skips the rest up to the
 * Sync, and the transaction is aborted as it would have been), and the batch fails with that error.
 *
 * pg routes every protocol message of a query to the query object until ReadyForQuery, reading
 * `name`/`text` of the active query when a statement is parsed or fails; here those are the current
 * statement's, so pg's per-connection prepared-statement bookkeeping stays right.
 */
export class StatementBatch extends QueryBase {
  private current = 0;
  private readonly results: PgResult[];
  /** names this batch sent a Parse for (to forget them again if the batch fails before they were parsed) */
  private readonly parsing = new Set<string>();
  private connection?: PgConnection;
  private settled = false;
  private rowError: unknown;
  readonly promise: Promise<QueryResult[]>;
  private resolveBatch!: (r: QueryResult[]) => void;
  private rejectBatch!: (e: unknown) => void;

  constructor(
    private readonly parts: BatchPart[],
    types: unknown,
  ) {
    super({ text: '' });
    this.results = parts.map(() => new Result(undefined, types));
    this.promise = new Promise<QueryResult[]>((resolve, reject) => {
      this.resolveBatch = resolve;
      this.rejectBatch = reject;
    });
  }

  submit(connection: PgConnection): Error | null {
    this.connection = connection;
    let bound: unknown[][];
    try {
      // map every parameter before anything is written, so a bad value cannot leave half a batch on the wire
      bound = this.parts.map((p) => (p.values ?? []).map(prepareValue));
    } catch (err) {
      return err as Error;
    }
    connection.stream.cork();
    try {
      this.parts.forEach((p, i) => {
        const named = p.name !== undefined;
        if (
          !named ||
          (connection.parsedStatements[p.name!] === undefined &&
            connection.submittedNamedStatements[p.name!] === undefined)
        ) {
          connection.parse({ text: p.text, name: p.name });
          if (named) {
            connection.submittedNamedStatements[p.name!] = p.text;
            this.parsing.add(p.name!);
          }
        }
        connection.bind({ portal: '', statement: p.name, values: bound[i], valueMapper: (v) => v });
        connection.describe({ type: 'P', name: '' });
        connection.execute({ portal: '' });
      });
      connection.sync();
    } finally {
      connection.stream.uncork();
    }
    return null;
  }

  handleRowDescription(msg: { fields: unknown[] }): void {
    this.results[this.current].addFields(msg.fields);
  }

  handleDataRow(msg: { fields: unknown[] }): void {
    if (this.rowError) return;
    const r = this.results[this.current];
    try {
      r.addRow(r.parseRow(msg.fields));
    } catch (err) {
      // a type parser threw: the batch fails when PostgreSQL is done with it (as pg.Query does)
      this.rowError = err;
    }
  }

  handleCommandComplete(msg: unknown): void {
    this.results[this.current].addCommandComplete(msg);
    this.done();
  }

  handleEmptyQuery(): void {
    this.done();
  }

  handleError(err: unknown): void {
    if (this.settled) return;
    this.settled = true;
    // statements after the failing one were skipped: forget the names they were to parse
    if (this.connection) {
      for (const name of this.parsing) {
        if (this.connection.parsedStatements[name] === undefined) delete this.connection.submittedNamedStatements[name];
      }
    }
    this.rejectBatch(err);
  }

  handleReadyForQuery(): void {
    if (this.settled) return;
    if (this.rowError) return this.handleError(this.rowError);
    this.settled = true;
    if (this.current < this.parts.length) {
      this.rejectBatch(new Error(`statement batch ended after ${this.current} of ${this.parts.length} statements`));
      return;
    }
    this.resolveBatch(this.results);
  }

  private done(): void {
    const name = this.parts[this.current]?.name;
    if (name !== undefined) this.parsing.delete(name);
    this.current++;
  }
}

// pg reads the active query's name and text when a statement is parsed or fails (parsedStatements /
// submittedNamedStatements); Query's constructor assigns both, so they need setters that ignore it.
Object.defineProperty(StatementBatch.prototype, 'name', {
  get(this: { parts?: BatchPart[]; current?: number }) {
    return this.parts?.[this.current ?? 0]?.name;
  },
  set() {},
});
Object.defineProperty(StatementBatch.prototype, 'text', {
  get(this: { parts?: BatchPart[]; current?: number }) {
    return this.parts?.[this.current ?? 0]?.text ?? '';
  },
  set() {},
});
