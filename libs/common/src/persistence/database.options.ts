import { Client } from 'pg';
import type { DataSourceOptions, MixedList, EntitySchema } from 'typeorm';
import { PreparingClient } from './prepared-statements';

export interface ServiceDatabaseOptions {
  url: string;
  /** the PostgreSQL schema this service owns; nothing else writes to it */
  schema: string;
  /* eslint-disable @typescript-eslint/no-unsafe-function-type -- TypeORM types entity and migration classes as Function */
  entities: MixedList<Function | string | EntitySchema>;
  migrations: MixedList<Function | string>;
  /* eslint-enable @typescript-eslint/no-unsafe-function-type */
  poolSize?: number;
  /** run pending migrations at boot (default true) */
  migrate?: boolean;
  applicationName?: string;
  /** named prepared statements for repeated statements (default true) */
  preparedStatements?: boolean;
}

/** Schemas are created before TypeORM starts, because its migrations table lives inside the schema. */
export async function ensureSchema(url: string, schema: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema.replace(/"/g, '')}"`);
  } catch (err) {
    // two replicas racing on first boot: the loser sees a unique violation and the schema exists
    if ((err as { code?: string }).code !== '23505') throw err;
  } finally {
    await client.end();
  }
}

export function buildDataSourceOptions(opts: ServiceDatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: opts.url,
    schema: opts.schema,
    entities: opts.entities,
    migrations: opts.migrations,
    migrationsTableName: 'migrations',
    migrationsRun: opts.migrate ?? true,
    // each migration in its own transaction, so a failure leaves the schema at a known version
    migrationsTransactionMode: 'each',
    synchronize: false,
    // not 'error': TypeORM would print failed queries with their parameters (PIN hashes, names)
    logging: ['migration'],
    applicationName: opts.applicationName ?? opts.schema,
    extra: {
      max: opts.poolSize ?? 10,
      // repeated parameterised statements become named prepared statements (parsed once per connection)
      ...(opts.preparedStatements === false ? {} : { Client: PreparingClient }),
      // fail fast instead of hanging forever when the pool is exhausted
      connectionTimeoutMillis: 10_000,
      // timestamps are stored and compared in UTC; local dates are computed in code with the library TZ
      options: `-c timezone=UTC -c search_path="${opts.schema}",public`,
    },
  };
}
