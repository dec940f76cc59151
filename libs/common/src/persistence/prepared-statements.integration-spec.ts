import { createTestDatabase } from '@app/testing';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions, ensureSchema } from './database.options';
import { executeWithCommit, queryTogether } from './prepared-statements';
import { effect, Handoff, rows, runPlan, step } from './statement-plan';

/** One pooled connection, so pg_prepared_statements (per session) shows what this pool prepared. */
async function open(url: string, preparedStatements: boolean): Promise<DataSource> {
  await ensureSchema(url, 'prep');
  const ds = new DataSource(
    buildDataSourceOptions({
      url,
      schema: 'prep',
      entities: [],
      migrations: [],
      poolSize: 1,
      migrate: false,
      preparedStatements,
    }),
  );
  return ds.initialize();
}

const STATEMENT = 'SELECT $1::int + 1 AS n';

describe('prepared statements through TypeORM on real PostgreSQL', () => {
  let url: string;
  beforeAll(async () => {
    url = await createTestDatabase('prep');
  });

  it('prepares a repeated parameterised statement once and keeps answering it', async () => {
    const ds = await open(url, true);
    try {
      for (let i = 0; i < 5; i++) expect(await ds.query(STATEMENT, [i])).toEqual([{ n: i + 1 }]);
      // inside a transaction too (same client class), and an error in one does not break the next
      await expect(ds.transaction((m) => m.query('SELECT 1 / ($1::int - $1::int)', [3]))).rejects.toThrow(
        /division by zero/,
      );
      await expect(ds.transaction((m) => m.query('SELECT 1 / ($1::int - $1::int)', [3]))).rejects.toThrow(
        /division by zero/,
      );
      expect(await ds.transaction((m) => m.query(STATEMENT, [41]))).toEqual([{ n: 42 }]);
      const prepared: { statement: string }[] = await ds.query('SELECT statement FROM pg_prepared_statements');
      expect(prepared.filter((p) => p.statement === STATEMENT)).toHaveLength(1);
    } finally {
      await ds.destroy();
    }
  });

  it('prepares nothing with DB_PREPARED_STATEMENTS=false', async () => {
    const ds = await open(url, false);
    try {
      for (let i = 0; i < 5; i++) await ds.query(STATEMENT, [i]);
      expect(await ds.query('SELECT count(*)::int AS n FROM pg_prepared_statements')).toEqual([{ n: 0 }]);
    } finally {
      await ds.destroy();
    }
  });

  describe('transactions in pipeline mode (BEGIN with the first statement, deferred rows with COMMIT)', () => {
    let ds: DataSource;
    type Deferring = { deferUntilCommit(t: string, v: unknown[]): boolean };
    const defer = (m: import('typeorm').EntityManager, id: number) =>
      (m.queryRunner as unknown as { databaseConnection: Deferring }).databaseConnection.deferUntilCommit(
        'INSERT INTO prep.t (id, note) VALUES ($1, $2)',
        [id, 'deferred'],
      );
    const ids = async () => (await ds.query('SELECT id FROM prep.t ORDER BY id')).map((r: { id: number }) => r.id);

    beforeAll(async () => {
      ds = await open(url, true);
      await ds.query('CREATE TABLE IF NOT EXISTS prep.t (id int PRIMARY KEY, note text NOT NULL)');
    });
    beforeEach(() => ds.query('TRUNCATE prep.t'));
    afterAll(() => ds?.destroy());

    it('commits the statements and the deferred rows together', async () => {
      await ds.transaction(async (m) => {
        await m.query('INSERT INTO prep.t (id, note) VALUES ($1, $2)', [1, 'direct']);
        expect(defer(m, 2)).toBe(true);
        expect(defer(m, 3)).toBe(true);
      });
      expect(await ids()).toEqual([1, 2, 3]);
    });

    it('a transaction whose only work is deferred still begins and commits it', async () => {
      await ds.transaction(async (m) => {
        expect(defer(m, 7)).toBe(true);
      });
      expect(await ids()).toEqual([7]);
    });

    it('drops deferred rows when the transaction rolls back', async () => {
      await expect(
        ds.transaction(async (m) => {
          await m.query('INSERT INTO prep.t (id, note) VALUES ($1, $2)', [1, 'direct']);
          defer(m, 2);
          throw new Error('refused');
        }),
      ).rejects.toThrow('refused');
      expect(await ids()).toEqual([]);
    });

    it('a deferred row that fails fails the commit, and nothing of the transaction is kept', async () => {
      await ds.query(`INSERT INTO prep.t (id, note) VALUES (5, 'existing')`);
      await expect(
        ds.transaction(async (m) => {
          await m.query('INSERT INTO prep.t (id, note) VALUES ($1, $2)', [6, 'direct']);
          defer(m, 5); // duplicate key
        }),
      ).rejects.toThrow(/duplicate key/);
      expect(await ids()).toEqual([5]);
      // the connection is clean for the next transaction
      await ds.transaction((m) => m.query('INSERT INTO prep.t (id, note) VALUES ($1, $2)', [8, 'direct']));
      expect(await ids()).toEqual([5, 8]);
    });

    it('a failing first statement (sent with BEGIN) rolls back cleanly', async () => {
      await expect(ds.transaction((m) => m.query('SELECT 1 / ($1::int - $1::int)', [2]))).rejects.toThrow(
        /division by zero/,
      );
      await ds.transaction((m) => m.query('INSERT INTO prep.t (id, note) VALUES ($1, $2)', [9, 'direct']));
      expect(await ids()).toEqual([9]);
    });

    it('sees its own writes and other sessions see nothing before COMMIT', async () => {
      await ds.transaction(async (m) => {
        await m.query('INSERT INTO prep.t (id, note) VALUES ($1, $2)', [1, 'direct']);
        expect(await m.query('SELECT count(*)::int AS n FROM prep.t')).toEqual([{ n: 1 }]);
        const other = await open(url, true);
        try {
          expect(await other.query('SELECT count(*)::int AS n FROM prep.t')).toEqual([{ n: 0 }]);
        } finally {
          await other.destroy();
        }
      });
      expect(await ids()).toEqual([1]);
    });

    it('executeWithCommit defers in a top-level transaction, runs at once outside one or in a nested one', async () => {
      const ins = (id: number): [string, unknown[]] => ['INSERT INTO prep.t (id, note) VALUES ($1, $2)', [id, 'x']];
      await executeWithCommit(ds.manager, ins(1)); // no transaction: now
      expect(await ids()).toEqual([1]);
      await ds.transaction(async (m) => {
        await executeWithCommit(m, ins(2));
        // deferred: the transaction itself does not see it yet
        expect(await m.query('SELECT count(*)::int AS n FROM prep.t WHERE id = 2')).toEqual([{ n: 0 }]);
        await m.transaction(async (inner) => {
          await executeWithCommit(inner, ins(3)); // savepoint: at once, so a rollback to it would drop it
          expect(await inner.query('SELECT count(*)::int AS n FROM prep.t WHERE id = 3')).toEqual([{ n: 1 }]);
        });
      });
      expect(await ids()).toEqual([1, 2, 3]);
    });

    it('queryTogether runs statements in order, each after the one before, and returns their rows', async () => {
      const rows = await ds.transaction((m) =>
        queryTogether(m, [
          ['INSERT INTO prep.t (id, note) VALUES ($1, $2) RETURNING id', [4, 'a']],
          ['SELECT count(*)::int AS n FROM prep.t', []],
          ['SELECT $1::text AS echo', ['together']],
        ]),
      );
      expect(rows).toEqual([[{ id: 4 }], [{ n: 1 }], [{ echo: 'together' }]]);
      await expect(
        ds.transaction((m) =>
          queryTogether(m, [
            ['SELECT 1 / ($1::int - $1::int)', [1]],
            ['INSERT INTO prep.t (id, note) VALUES ($1, $2)', [5, 'b']],
          ]),
        ),
      ).rejects.toThrow(/division by zero/);
      expect(await ids()).toEqual([4]);
    });

    it('answers a batch in one go: one ReadyForQuery for BEGIN and all its statements', async () => {
      const runner = ds.createQueryRunner();
      await runner.connect();
      const client = (runner as unknown as { databaseConnection: { connection: import('node:events').EventEmitter } })
        .databaseConnection;
      let ready = 0;
      const count = () => ready++;
      client.connection.on('readyForQuery', count);
      try {
        await runner.startTransaction();
        const rows = await queryTogether(runner.manager, [
          ['SELECT $1::int AS a', [1]],
          ['SELECT $1::int AS b', [2]],
          ['SELECT $1::int AS c', [3]],
          ['SELECT $1::int AS d', [4]],
        ]);
        expect(rows).toEqual([[{ a: 1 }], [{ b: 2 }], [{ c: 3 }], [{ d: 4 }]]);
        expect(ready).toBe(1); // pg's own pipeline mode answers each statement with its own ReadyForQuery
        await runner.commitTransaction();
      } finally {
        client.connection.off('readyForQuery', count);
        await runner.release();
      }
    });

    it('after a failing statement in a batch, the statements it skipped still run later (their names are not left half-prepared)', async () => {
      const after = 'SELECT $1::int * 3 AS tripled';
      const batch = (n: number) =>
        ds.transaction((m) =>
          queryTogether(m, [
            ['SELECT 1 / $1::int AS q', [n]],
            [after, [n]],
            ['SELECT $1::text AS tail', ['t']],
          ]),
        );
      // twice, so every text has a name; the first run fails at its first statement and skips the rest
      await expect(batch(0)).rejects.toThrow(/division by zero/);
      await expect(batch(0)).rejects.toThrow(/division by zero/);
      expect(await batch(1)).toEqual([[{ q: 1 }], [{ tripled: 3 }], [{ tail: 't' }]]);
      expect(await ds.query(after, [5])).toEqual([{ tripled: 15 }]);
      // a parameter pg cannot serialise fails the batch before anything is written; the connection goes on
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      await expect(
        ds.transaction((m) =>
          queryTogether(m, [
            ['SELECT $1::int AS one', [1]],
            ['SELECT $1::jsonb AS j', [circular]],
          ]),
        ),
      ).rejects.toThrow(/circular/i);
      expect(await batch(2)).toEqual([[{ q: 0 }], [{ tripled: 6 }], [{ tail: 't' }]]);
    });

    it('is not deferring outside a transaction', async () => {
      const runner = ds.createQueryRunner();
      await runner.connect();
      try {
        expect(
          (runner as unknown as { databaseConnection: Deferring }).databaseConnection.deferUntilCommit('SELECT 1', []),
        ).toBe(false);
      } finally {
        await runner.release();
      }
    });
  });

  describe('statement plans', () => {
    const handed = new Handoff('prep.handed', 'int');
    for (const preparedStatements of [true, false]) {
      it(`returns each step's typed value by name, hand-off included (prepared statements ${preparedStatements ? 'on' : 'off'})`, async () => {
        const ds = await open(url, preparedStatements);
        try {
          for (const n of [4, 7]) {
            const result = await ds.transaction((m) =>
              runPlan(m, {
                lock: effect('SELECT pg_advisory_xact_lock($1)', [4242]),
                doubled: step(
                  `SELECT $1::int * 2 AS v, ${handed.write('$1::int + 1')} AS h`,
                  [n],
                  (r) => rows.one<{ v: number }>()(r).v,
                  { writes: [handed] },
                ),
                next: step(`SELECT ${handed.read()} AS v`, [], (r) => rows.one<{ v: number | null }>()(r).v, {
                  reads: [handed],
                }),
                none: step('SELECT 1 AS x WHERE $1::boolean', [false], rows.maybe<{ x: number }>()),
              }),
            );
            expect(result).toEqual({ lock: undefined, doubled: n * 2, next: n + 1, none: null });
          }
          // the setting is transaction-local: a new transaction reads nothing
          expect(
            await ds.transaction((m) =>
              runPlan(m, { next: step(`SELECT ${handed.read()} AS v`, [], rows.one<{ v: number | null }>()) }),
            ),
          ).toEqual({ next: { v: null } });
        } finally {
          await ds.destroy();
        }
      });
    }
  });
});
