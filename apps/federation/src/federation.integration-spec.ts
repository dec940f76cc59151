import { INestMicroservice } from '@nestjs/common';
import {
  FailedExchangeView,
  FederationListExchanges,
  FederationListFailed,
  FederationReturnPartnerItem,
  FederationRetryFailed,
  FederationUpsertPartner,
  Page,
} from '@app/contracts';
import {
  createRpcTestClient,
  createTestEnvironment,
  RpcTestClient,
  startTestService,
  TestEnvironment,
} from '@app/testing';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { FederationEnvDto } from './config/federation-env.dto';
import { ExchangeLogService } from './exchanges/exchange-log.service';
import { FailedExchangeRetrierService } from './exchanges/failed-exchange-retrier.service';
import { FederationModule } from './federation.module';

const TCL = 'CN-320585-1-TCL';
const OK_CHECKIN = `<?xml version="1.0" encoding="UTF-8"?><ncip:NCIPMessage xmlns:ncip="http://www.niso.org/2008/ncip" ncip:version="http://www.niso.org/schemas/ncip/v2_02/ncip_v2_02.xsd"><ncip:CheckInItemResponse><ncip:ItemId><ncip:ItemIdentifierValue>x</ncip:ItemIdentifierValue></ncip:ItemId></ncip:CheckInItemResponse></ncip:NCIPMessage>`;
const REFUSED = `<?xml version="1.0" encoding="UTF-8"?><ncip:NCIPMessage xmlns:ncip="http://www.niso.org/2008/ncip" ncip:version="http://www.niso.org/schemas/ncip/v2_02/ncip_v2_02.xsd"><ncip:CheckInItemResponse><ncip:Problem><ncip:ProblemType>Unknown Item</ncip:ProblemType></ncip:Problem></ncip:CheckInItemResponse></ncip:NCIPMessage>`;

/**
 * The federation service alone (real PostgreSQL + NATS) against a partner that is a real HTTP server
 * we switch between down (503), up and refusing: failed outgoing exchanges are retried by themselves
 * with backoff until accepted, refused or out of attempts (then a person decides); the exchange log is
 * purged after its retention.
 */
describe('federation: automatic retries of failed exchanges, exchange log retention (real PostgreSQL + NATS + HTTP)', () => {
  let env: TestEnvironment;
  let app: INestMicroservice;
  let rpc: RpcTestClient;
  let db: Client;
  let partner: Server;
  let mode: 'down' | 'up' | 'refuse' = 'down';
  const received: string[] = [];

  beforeAll(async () => {
    partner = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push(body);
        if (mode === 'down') res.writeHead(503).end('down for maintenance');
        else res.writeHead(200, { 'content-type': 'application/xml' }).end(mode === 'up' ? OK_CHECKIN : REFUSED);
      });
    });
    await new Promise<void>((resolve) => partner.listen(0, '127.0.0.1', resolve));
    env = await createTestEnvironment('federation');
    app = await startTestService({
      name: 'federation',
      envClass: FederationEnvDto,
      // retries are driven by the test (no timer); due at once, three automatic retries at most
      env: env.env({
        NCIP_RETRY_INTERVAL_MS: '0',
        NCIP_RETRY_BASE_MS: '0',
        NCIP_RETRY_MAX_ATTEMPTS: '3',
        NCIP_EXCHANGE_RETENTION_DAYS: '30',
      }),
      register: FederationModule.register,
    });
    rpc = await createRpcTestClient(env.natsUrl);
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    const { port } = partner.address() as AddressInfo;
    await rpc.request(FederationUpsertPartner.subject, {
      isil: TCL,
      name: '太仓市图书馆',
      ncip: { endpoint: `http://127.0.0.1:${port}/ncip`, retries: 0, timeoutMs: 5000 },
    });
  });

  afterAll(async () => {
    await db?.end();
    await rpc?.close();
    await app?.close();
    await env?.stop();
    await new Promise((resolve) => partner?.close(resolve));
  });

  const retrier = () => app.get(FailedExchangeRetrierService);
  /** a partner's item returned to us: the owner gets CheckInItem (queued when they do not answer) */
  const returnItem = async (barcode: string): Promise<FailedExchangeView> => {
    mode = 'down';
    await rpc.request(FederationReturnPartnerItem.subject, { agency: TCL, barcode });
    const all = await rpc.request<Page<FailedExchangeView>>(FederationListFailed.subject, {
      status: 'all',
      limit: 500,
    });
    const [row] = (
      await db.query(`SELECT id FROM federation.failed_exchanges WHERE request LIKE $1`, [`%>${barcode}<%`])
    ).rows as { id: string }[];
    return all.items.find((f) => f.id === row.id)!;
  };
  const failed = async (id: string) =>
    (
      await rpc.request<Page<FailedExchangeView>>(FederationListFailed.subject, { status: 'all', limit: 500 })
    ).items.find((f) => f.id === id)!;

  it('a partner that comes back gets the queued exchange by itself, exactly as it was written', async () => {
    const f = await returnItem('T-RETRY-1');
    expect(f).toMatchObject({
      service: 'CheckInItem',
      status: 'open',
      autoAttempts: 0,
      nextAttemptAt: expect.any(String),
    });
    const sent = received.filter((b) => b.includes('T-RETRY-1'));
    expect(sent).toHaveLength(1);
    const retrying = await rpc.request<Page<FailedExchangeView>>(FederationListFailed.subject, { status: 'retrying' });
    expect(retrying.items.map((x) => x.id)).toContain(f.id);

    // still down: retried, and scheduled again
    await retrier().retryDue();
    expect(await failed(f.id)).toMatchObject({
      status: 'open',
      autoAttempts: 1,
      attempts: 2,
      nextAttemptAt: expect.any(String),
    });

    mode = 'up';
    const round = await retrier().retryDue();
    expect(round.resolved).toBeGreaterThanOrEqual(1);
    expect(await failed(f.id)).toMatchObject({ status: 'resolved', resolvedBy: 'auto-retry', nextAttemptAt: null });
    const resent = received.filter((b) => b.includes('T-RETRY-1'));
    expect(resent).toHaveLength(3);
    expect(new Set(resent).size).toBe(1);
    // every try is in the exchange log, the accepted one with the queued exchange's correlation id
    const log = await rpc.request<Page<{ outcome: string; correlationId: string }>>(FederationListExchanges.subject, {
      partner: TCL,
      service: 'CheckInItem',
      direction: 'out',
      limit: 500,
    });
    expect(log.items.filter((e) => e.outcome === 'ok').length).toBeGreaterThanOrEqual(1);
    // nothing due any more: a further round sends nothing
    const before = received.length;
    await retrier().retryDue();
    expect(received.length).toBe(before);
  });

  it('bounded: after the last automatic retry the exchange waits for a person, who can still send it', async () => {
    const f = await returnItem('T-RETRY-2');
    for (let i = 0; i < 5; i++) await retrier().retryDue();
    const given = await failed(f.id);
    expect(given).toMatchObject({ status: 'open', autoAttempts: 3, nextAttemptAt: null });
    expect(given.reason).toMatch(/needs a person/);
    expect(received.filter((b) => b.includes('T-RETRY-2'))).toHaveLength(4);
    const person = await rpc.request<Page<FailedExchangeView>>(FederationListFailed.subject, {
      status: 'needs_person',
    });
    expect(person.items.map((x) => x.id)).toContain(f.id);

    mode = 'up';
    const resolved = await rpc.request<FailedExchangeView>(FederationRetryFailed.subject, {
      id: f.id,
      actor: 'staff:wang',
    });
    expect(resolved).toMatchObject({ status: 'resolved', resolvedBy: 'staff:wang', nextAttemptAt: null });
  });

  it('a refusal on retry is not retried again: a person decides', async () => {
    const f = await returnItem('T-RETRY-3');
    mode = 'refuse';
    await retrier().retryDue();
    const refused = await failed(f.id);
    expect(refused).toMatchObject({ status: 'open', autoAttempts: 1, nextAttemptAt: null });
    expect(refused.reason).toMatch(/refused on retry 1: Unknown Item/);
    await retrier().retryDue();
    expect(received.filter((b) => b.includes('T-RETRY-3'))).toHaveLength(2);
  });

  it('purges exchange log rows (and resolved failed exchanges) older than the retention, keeps the rest', async () => {
    const exchanges = app.get(ExchangeLogService);
    await db.query(
      `INSERT INTO federation.exchanges (correlation_id, direction, partner, service, outcome, duration_ms, request, created_at)
       VALUES ('old-1', 'in', $1, 'LookupItem', 'ok', 1, '<x/>', now() - interval '31 days'),
              ('old-2', 'out', $1, 'CheckInItem', 'error', 1, '<x/>', now() - interval '400 days'),
              ('new-1', 'in', $1, 'LookupItem', 'ok', 1, '<x/>', now() - interval '29 days')`,
      [TCL],
    );
    const [{ id: oldResolved }] = (
      await db.query(
        `INSERT INTO federation.failed_exchanges (partner, service, request, reason, attempts, status, resolved_at)
         VALUES ($1, 'CheckInItem', '<x/>', 'old', 1, 'resolved', now() - interval '31 days') RETURNING id`,
        [TCL],
      )
    ).rows as { id: string }[];
    const kept = Number(
      (await db.query(`SELECT count(*) FROM federation.exchanges WHERE created_at > now() - interval '30 days'`))
        .rows[0].count,
    );

    const purged = await exchanges.purgeOlderThan(30);
    expect(purged).toBe(3);
    const left = (await db.query(`SELECT correlation_id FROM federation.exchanges`)).rows.map(
      (r: { correlation_id: string }) => r.correlation_id,
    );
    expect(left).not.toContain('old-1');
    expect(left).not.toContain('old-2');
    expect(left).toContain('new-1');
    expect(left).toHaveLength(kept);
    expect((await db.query(`SELECT 1 FROM federation.failed_exchanges WHERE id = $1`, [oldResolved])).rowCount).toBe(0);
    // open failed exchanges are never purged, however old
    expect(
      Number((await db.query(`SELECT count(*) FROM federation.failed_exchanges WHERE status = 'open'`)).rows[0].count),
    ).toBeGreaterThan(0);
  });
});
