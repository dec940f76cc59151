import { connect } from 'nats';
import { Client } from 'pg';
import { createIsolatedSchemaName, testDatabaseUrl, testNatsUrl } from './test-env';

// Checks the contract other integration specs rely on: URLs from globalSetup + isolated schemas.
describe('integration globalSetup', () => {
  it('exposes a working database and an isolated schema per call', async () => {
    const a = createIsolatedSchemaName('Loans-Service');
    const b = createIsolatedSchemaName('Loans-Service');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^loans_service_[a-z0-9_]+$/);
    expect(createIsolatedSchemaName('x'.repeat(100)).length).toBeLessThanOrEqual(63);

    const client = new Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    try {
      await client.query(`create schema ${a}`);
      await client.query(`create table ${a}.t (id int)`);
      const res = await client.query(
        'select count(*)::int as n from information_schema.tables where table_schema = $1',
        [a],
      );
      expect(res.rows[0].n).toBe(1);
      await client.query(`drop schema ${a} cascade`);
    } finally {
      await client.end();
    }
  });

  it('exposes a NATS server with JetStream', async () => {
    const nc = await connect({ servers: testNatsUrl() });
    try {
      const info = await (await nc.jetstreamManager()).getAccountInfo();
      expect(info).toBeDefined();
    } finally {
      await nc.close();
    }
  });
});
