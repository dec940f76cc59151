import { createTestDatabase } from '@app/testing';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions, ensureSchema } from './database.options';

/** One pooled connection, so pg_prepared_statements (per session) shows what this pool prepared. */
async function open(url: string, preparedStatements: boolean): Promise<DataSource> {
  await ensureSchema(url, 'prep');
  const ds = new DataSource(buildDataSourceOptions({ url, schema: 'prep', entities: [], migrations: [], poolSize: 1, migrate: false, preparedStatements }));
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
      await expect(ds.transaction((m) => m.query('SELECT 1 / ($1::int - $1::int)', [3]))).rejects.toThrow(/division by zero/);
      await expect(ds.transaction((m) => m.query('SELECT 1 / ($1::int - $1::int)', [3]))).rejects.toThrow(/division by zero/);
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
});
