import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JSONCodec, connect } from 'nats';
import { Client } from 'pg';
import { findFreePorts } from './free-port';
import { Infra, startInfra } from './infra';

// Exercises the embedded (local binary) path directly, independent of the shared globalSetup infra.
describe('embedded postgres + nats', () => {
  let rootDir: string;
  let infra: Infra | undefined;
  let ports: number[];

  beforeAll(async () => {
    rootDir = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-embedded-'));
    fs.chmodSync(rootDir, 0o755);
    ports = await findFreePorts(2);
  });

  afterAll(async () => {
    await infra?.stop();
    fs.rmSync(rootDir, { recursive: true, force: true });
  });

  const start = () => startInfra({ rootDir, pgPort: ports[0], natsPort: ports[1], fast: true });

  async function query<T extends object>(url: string, sql: string): Promise<T[]> {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  }

  it('starts, serves SQL, NATS request/reply and JetStream, then stops', async () => {
    infra = await start();
    expect(infra.mode).toBe('embedded');
    expect(infra.databaseUrl).toBe(`postgres://postgres@127.0.0.1:${ports[0]}/circulation`);

    expect(await query<{ one: number }>(infra.databaseUrl, 'select 1 as one')).toEqual([{ one: 1 }]);
    // the services' URL reaches the same server over its Unix socket (no client address), TCP has one
    expect(
      await query(infra.localDatabaseUrl, 'select inet_client_addr() is null as local, current_database() as db'),
    ).toEqual([{ local: true, db: 'circulation' }]);
    expect(await query(infra.databaseUrl, 'select inet_client_addr() is null as local')).toEqual([{ local: false }]);
    await query(infra.databaseUrl, 'create table keepme (id int primary key); insert into keepme values (42)');

    const nc = await connect({ servers: infra.natsUrl });
    try {
      const codec = JSONCodec<{ n: number }>();
      const sub = nc.subscribe('echo.double');
      void (async () => {
        for await (const m of sub) m.respond(codec.encode({ n: codec.decode(m.data).n * 2 }));
      })();
      const reply = await nc.request('echo.double', codec.encode({ n: 21 }), { timeout: 5_000 });
      expect(codec.decode(reply.data)).toEqual({ n: 42 });

      const jsm = await nc.jetstreamManager();
      await jsm.streams.add({ name: 'EMBEDDED_TEST', subjects: ['embedded.test.>'] });
      const ack = await nc.jetstream().publish('embedded.test.one', codec.encode({ n: 1 }));
      expect(ack.stream).toBe('EMBEDDED_TEST');
      expect(ack.seq).toBe(1);
    } finally {
      await nc.close();
    }

    await infra.stop();
    await infra.stop(); // idempotent
    infra = undefined;
  });

  it('restarts on the same data dir with data intact', async () => {
    expect(fs.existsSync(path.join(rootDir, 'postgres', 'PG_VERSION'))).toBe(true);
    infra = await start();

    expect(await query<{ id: number }>(infra.databaseUrl, 'select id from keepme')).toEqual([{ id: 42 }]);

    const nc = await connect({ servers: infra.natsUrl });
    try {
      const info = await (await nc.jetstreamManager()).streams.info('EMBEDDED_TEST');
      expect(info.state.messages).toBe(1);
    } finally {
      await nc.close();
    }

    await infra.stop();
    infra = undefined;
  });
});
