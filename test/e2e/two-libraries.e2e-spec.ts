import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createMessage, formatSip2Date, SIP2_BLANK_DATE, Sip2Client } from '@app/sip2-protocol';
import { eventually } from '@app/testing';
import { e2eEnv } from './e2e-env';

/**
 * Two separate deployments of the suite sharing nothing but HTTP: ours (昆山 CN-320583-1-KSL, started by
 * globalSetup with the demo data) and the partner 太仓 (CN-320585-1-TCL), started here by the same
 * launcher with its own PostgreSQL, NATS and data dir, LIBRARY_ISIL set to its ISIL and seeded over its
 * own HTTP API. The two talk NCIP 2.02 to each other's POST /ncip.
 */
// a second suite starts in beforeAll: on a busy 2-core machine that takes minutes
jest.setTimeout(420_000);

const KSL = 'CN-320583-1-KSL';
const TCL = 'CN-320585-1-TCL';
const ksl = e2eEnv();
const PIN = '1234';
const TCL_KEY_FOR_KSL = `ksl-calls-tcl-${Math.random().toString(36).slice(2)}`;
const root = path.resolve(__dirname, '../..');
const dist = path.join(root, 'dist');

let tcl: { gatewayUrl: string; apiKey: string; stop: () => Promise<void>; dataDir: string; log: fs.WriteStream };
const clients: Sip2Client[] = [];

async function call<T>(
  base: { gatewayUrl: string; apiKey: string },
  method: string,
  p: string,
  body?: unknown,
  expectStatus?: number,
): Promise<T> {
  const res = await fetch(`${base.gatewayUrl}${p}`, {
    method,
    headers: { authorization: `Bearer ${base.apiKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (expectStatus !== undefined ? res.status !== expectStatus : !res.ok)
    throw new Error(`${method} ${p} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}
const atKsl = <T>(method: string, p: string, body?: unknown, status?: number) => call<T>(ksl, method, p, body, status);
const atTcl = <T>(method: string, p: string, body?: unknown, status?: number) => call<T>(tcl, method, p, body, status);

// the compiled suite, loaded like global-setup.ts does (globalSetup-style code gets no moduleNameMapper for dist)
/* eslint-disable @typescript-eslint/no-require-imports */
async function startPartnerDeployment(): Promise<void> {
  require('reflect-metadata');
  const suiteJs = path.join(dist, 'libs/suite/src/index.js');
  const { launchSuite } = require(suiteJs) as typeof import('../../libs/suite/src');
  const { loadConfig } = require(
    path.join(dist, 'libs/common/src/config/load-config.js'),
  ) as typeof import('../../libs/common/src/config/load-config');
  const { LauncherEnvDto } = require(suiteJs) as typeof import('../../libs/suite/src');
  const { findFreePorts } = require(
    path.join(dist, 'libs/runtime/src/free-port.js'),
  ) as typeof import('../../libs/runtime/src/free-port');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'circulation-e2e-tcl-'));
  const [pg, nats, http, sip2, sip2tls] = await findFreePorts(5);
  const apiKey = `tcl-ops-key-${Math.random().toString(36).slice(2)}`;
  const env = loadConfig(LauncherEnvDto, {
    DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(pg),
    EMBEDDED_NATS_PORT: String(nats),
    PORT: String(http),
    SIP2_PORT: String(sip2),
    SIP2_TLS_PORT: String(sip2tls),
    BOOTSTRAP_API_KEY: apiKey,
    SEED_DEMO: 'false',
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
  });
  const log = fs.createWriteStream(path.join(dataDir, 'services.log'));
  const suite = await launchSuite({
    env,
    // the partner runs the same suite as its own library
    passEnv: { PATH: process.env.PATH, HOME: process.env.HOME, LIBRARY_ISIL: TCL, NCIP_DEFAULT_BRANCH: 'TCL-MAIN' },
    distRoot: dist,
    startupTimeoutMs: 360_000,
    log: (m) => log.write(`[launcher] ${m}\n`),
    stdout: log,
    stderr: log,
  });
  tcl = { gatewayUrl: suite.gatewayUrl, apiKey, stop: () => suite.stop(), dataDir, log };
}
/* eslint-enable @typescript-eslint/no-require-imports */

const now = () => formatSip2Date(new Date(), 'Asia/Shanghai', 'local');
async function kiosk(): Promise<Sip2Client> {
  const c = new Sip2Client({ host: '127.0.0.1', port: ksl.sip2Port, charset: 'utf-8', timeoutMs: 30_000 });
  clients.push(c);
  await c.connect();
  const r = await c.login('kiosk01', 'kiosk01-secret', 'KSL-MAIN');
  expect(r.response).toMatchObject({ code: '94', fixed: { ok: '1' } });
  return c;
}
const checkout = (item: string, patron: string, pin = PIN) =>
  createMessage(
    '11',
    { scRenewalPolicy: 'N', noBlock: 'N', transactionDate: now(), nbDueDate: SIP2_BLANK_DATE },
    { institutionId: KSL, patronIdentifier: patron, itemIdentifier: item, terminalPassword: '', patronPassword: pin },
  );

interface Exchange {
  service: string;
  direction: string;
  outcome: string;
  request: string;
}
const exchanges = (base: 'ksl' | 'tcl', q: string) =>
  (base === 'ksl' ? atKsl : atTcl)<{ items: Exchange[] }>('GET', `/api/federation/exchanges?${q}`).then((p) => p.items);
const openLoansHere = (barcode: string) =>
  atKsl<{ items: { item: { barcode: string } }[] }>(
    'GET',
    `/api/patrons/${TCL}/${barcode}/loans?status=open&limit=100`,
  ).then((p) => p.items.map((l) => l.item.barcode));

beforeAll(async () => {
  await startPartnerDeployment();
  // 太仓's own network: itself, us as partner, its reader TCL0000001
  await atTcl('PUT', `/api/agencies/${TCL}`, { name: '太仓市图书馆', kind: 'member' });
  await atTcl('PUT', `/api/agencies/${KSL}`, { name: '昆山市图书馆', kind: 'partner' });
  await atTcl('PUT', '/api/branches/TCL-MAIN', { agency: TCL, name: '太仓市图书馆总馆', kind: 'central' });
  await atTcl('PUT', '/api/branches/KSL-MAIN', { agency: KSL, name: '昆山市图书馆总馆', kind: 'central' });
  for (const [barcode, name] of [
    ['TCL0000001', '钱七'],
    ['TCL0000002', '孙八'],
  ]) {
    await atTcl('POST', '/api/patrons', {
      agency: TCL,
      barcode,
      name,
      patronType: 'adult',
      homeBranch: 'TCL-MAIN',
      cardExpiresOn: '2030-12-31',
      pin: PIN,
    });
  }
  // 太仓 lends copies it borrows from us for 30 days, one renewal
  await atTcl('PUT', '/api/circulation-rules/ill-ksl', {
    scope: KSL,
    patronType: '*',
    itemType: '*',
    loanDays: 30,
    renewalDays: 30,
    maxRenewals: 1,
    maxItems: 20,
  });
  await atTcl('PUT', '/api/federation/partners', {
    isil: KSL,
    name: '昆山市图书馆',
    aliases: ['KSL'],
    branch: 'KSL-MAIN',
    ncip: { endpoint: `${ksl.gatewayUrl}/ncip`, outboundKey: 'demo-partner-key', timeoutMs: 10_000, retries: 1 },
  });
  await atTcl('POST', '/api/federation/partners/keys', { isil: KSL, key: TCL_KEY_FOR_KSL, label: 'e2e' });
  // and we tell our side where 太仓 answers
  await atKsl('PUT', '/api/federation/partners', {
    isil: TCL,
    name: '太仓市图书馆',
    ncip: { endpoint: `${tcl.gatewayUrl}/ncip`, outboundKey: TCL_KEY_FOR_KSL, timeoutMs: 10_000, retries: 1 },
  });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  if (tcl) {
    await tcl.stop();
    tcl.log.end();
    if (!process.env.E2E_KEEP) fs.rmSync(tcl.dataDir, { recursive: true, force: true });
  }
});

describe('two libraries over NCIP (e2e, two deployments)', () => {
  it('a 太仓 reader borrows at our kiosk over SIP2 (checked at home, reported home) and returns the book at 太仓', async () => {
    const c = await kiosk();
    const status = await c.send(
      createMessage(
        '23',
        { language: '019', transactionDate: now() },
        { institutionId: KSL, patronIdentifier: 'TCL0000001', terminalPassword: '', patronPassword: PIN },
      ),
    );
    expect(status.response.fields).toMatchObject({ validPatron: 'Y', validPatronPassword: 'Y', personalName: '钱七' });
    const wrongPin = await c.send(checkout('B0000009', 'TCL0000001', '0000'));
    expect(wrongPin.response).toMatchObject({ fixed: { ok: '0' } });

    const out = await c.send(checkout('B0000009', 'TCL0000001'));
    expect(out.response).toMatchObject({ code: '12', fixed: { ok: '1' } });
    expect(await openLoansHere('TCL0000001')).toEqual(['B0000009']);

    // reported home: 太仓 received CheckOutItem (keyed on our loan id) and keeps the loan of its reader
    const inbound = await eventually(
      async () =>
        (await exchanges('tcl', `service=CheckOutItem&direction=in&outcome=ok`)).find((e) =>
          e.request.includes('B0000009'),
        ),
      30_000,
    );
    expect(inbound.request).toContain('TCL0000001');
    // a retry of that report (same RequestId) is answered from 太仓's replay table: no second loan there
    const loanId = /RequestIdentifierValue>([0-9a-f-]{36})</.exec(inbound.request)![1];
    const again = await fetch(`${tcl.gatewayUrl}/ncip`, {
      method: 'POST',
      headers: { 'x-ncip-key': TCL_KEY_FOR_KSL, 'content-type': 'application/xml' },
      body: inbound.request.replace(/^[\s\S]*?(<\?xml|<ncip:NCIPMessage)/, '$1'),
    });
    expect(await again.text()).toContain('<ncip:DateDue>');
    expect(
      (await exchanges('tcl', `service=CheckOutItem&direction=in&outcome=replayed`)).length,
    ).toBeGreaterThanOrEqual(1);
    expect(loanId).toMatch(/^[0-9a-f-]{36}$/);

    // returned at 太仓's desk: its loan closes, we get CheckInItem, our loan closes and the book travels home
    const ret = await atTcl<{ state: string; direction: string }>('POST', '/api/federation/returns', {
      agency: KSL,
      barcode: 'B0000009',
    });
    expect(ret).toMatchObject({ state: 'returned', direction: 'borrowing' });
    expect(await openLoansHere('TCL0000001')).toEqual([]);
    await eventually(
      async () => (await atKsl<{ status: string }>('GET', `/api/items/${KSL}/B0000009`)).status === 'in_transit',
    );
    const transits = await atKsl<{ items: { item: { barcode: string }; from: string }[] }>(
      'GET',
      '/api/transits?limit=500',
    );
    expect(transits.items.some((t) => t.item.barcode === 'B0000009')).toBe(true);
  });

  it('partner down mid-checkout: the loan stands, the report waits in the failed queue, and is re-sent once 太仓 is back', async () => {
    const c = await kiosk();
    // the reader was checked a moment ago (cached); now 太仓 stops answering
    await atKsl('PUT', '/api/federation/partners', {
      isil: TCL,
      name: '太仓市图书馆',
      ncip: { endpoint: 'http://127.0.0.1:9/ncip' },
    });
    const out = await c.send(checkout('B0000015', 'TCL0000001'));
    expect(out.response).toMatchObject({ fixed: { ok: '1' } });
    const failed = await eventually(
      async () =>
        (
          await atKsl<{ items: { id: string; service: string; partner: string }[] }>('GET', '/api/federation/failed')
        ).items.find((f) => f.service === 'CheckOutItem' && f.partner === TCL),
      60_000,
    );

    // a card never seen before, with 太仓 down: the agreement lends with a limit of one item
    const offline = await c.send(checkout('B0000018', 'TCL0000002'));
    expect(offline.response).toMatchObject({ fixed: { ok: '1' } });
    const second = await c.send(checkout('B0000019', 'TCL0000002'));
    expect(second.response).toMatchObject({ fixed: { ok: '0' } });

    // compensation: 太仓 is back; the queued report is sent again and accepted
    await atKsl('PUT', '/api/federation/partners', {
      isil: TCL,
      name: '太仓市图书馆',
      ncip: { endpoint: `${tcl.gatewayUrl}/ncip` },
    });
    const resolved = await atKsl<{ status: string }>('POST', `/api/federation/failed/${failed.id}/retry`);
    expect(resolved.status).toBe('resolved');
    expect(
      (await exchanges('tcl', `service=CheckOutItem&direction=in&outcome=ok`)).some((e) =>
        e.request.includes('B0000015'),
      ),
    ).toBe(true);
  });

  interface Req {
    id: string;
    state: string;
    partnerRequestId: string | null;
    holdId: string | null;
    dueAt: string | null;
    transitions?: { from: string | null; to: string; actor: string }[];
  }
  const lendingAtKsl = async (tclRequestId: string) =>
    (
      await atKsl<{ items: Req[] }>('GET', `/api/federation/requests?direction=lending&partner=${TCL}&limit=500`)
    ).items.find((r) => r.partnerRequestId === tclRequestId);
  const tclRequest = (id: string) => atTcl<Req>('GET', `/api/federation/requests/${id}`);

  it('an interlibrary request from request to completion: 太仓 borrows our copy for its reader, renews it, sends it home', async () => {
    const asked = await atTcl<Req>('POST', '/api/federation/requests', {
      partner: KSL,
      patronBarcode: 'TCL0000001',
      itemBarcode: 'B0000024',
    });
    expect(asked.state).toBe('supplier_confirmed');
    const lending = (await lendingAtKsl(asked.id))!;
    expect(lending).toMatchObject({ state: 'requested', holdId: expect.any(String) });

    // we ship it: checked out to 太仓 as a library; 太仓 hears AcceptItem and shelves a temporary copy for its reader
    await atKsl('POST', '/api/circulation/checkout', {
      patron: { agency: KSL, barcode: `ILL-${TCL}` },
      item: { agency: KSL, barcode: 'B0000024' },
      branch: 'KSL-MAIN',
    });
    await eventually(async () => (await lendingAtKsl(asked.id))?.state === 'shipped', 30_000);
    await eventually(async () => (await tclRequest(asked.id)).state === 'received', 30_000);
    // 'received' is recorded before the handler makes the copy available and places the hold: the
    // AcceptItem exchange is logged only once the handler is done
    await eventually(
      async () => (await exchanges('tcl', `service=AcceptItem&direction=in&outcome=ok&partner=${KSL}`)).length > 0,
      30_000,
    );
    const temp = await atTcl<{ agency: string; status: string }>('GET', `/api/items/${KSL}/B0000024`);
    expect(temp).toMatchObject({ agency: KSL, status: 'available' });

    // lent to the reader at 太仓, renewed with us, returned at 太仓, shipped home
    await atTcl('POST', '/api/circulation/checkout', {
      patron: { agency: TCL, barcode: 'TCL0000001' },
      item: { agency: KSL, barcode: 'B0000024' },
      branch: 'TCL-MAIN',
    });
    await eventually(async () => (await tclRequest(asked.id)).state === 'loaned', 30_000);
    const renewed = await atTcl<Req>('POST', `/api/federation/requests/${asked.id}/act`, { action: 'renew' });
    expect(renewed.transitions!.at(-1)).toMatchObject({ from: 'loaned', to: 'loaned' });
    expect(
      (await exchanges('ksl', `service=RenewItem&direction=in&outcome=ok&partner=${TCL}`)).length,
    ).toBeGreaterThanOrEqual(1);

    // we want our copy back: RecallItem to 太仓, whose reader's loan becomes due within the recall period
    // (7 days by default), and our own loan of it to 太仓 the same
    const tclLoanDue = async () =>
      (
        await atTcl<{ items: { item: { barcode: string }; dueAt: string }[] }>(
          'GET',
          `/api/patrons/${TCL}/TCL0000001/loans?limit=100`,
        )
      ).items.find((l) => l.item.barcode === 'B0000024')!.dueAt;
    const dueBeforeRecall = await tclLoanDue();
    const recalled = await atKsl<Req>('POST', `/api/federation/requests/${lending.id}/act`, {
      action: 'recall',
      reason: 'needed for an exhibition',
    });
    expect(recalled.state).toBe('recalled');
    const dueAfterRecall = await tclLoanDue();
    expect(new Date(dueAfterRecall).getTime()).toBeLessThan(new Date(dueBeforeRecall).getTime());
    expect(new Date(dueAfterRecall).getTime()).toBeLessThan(Date.now() + 9 * 86_400_000);
    expect((await tclRequest(asked.id)).state).toBe('recalled');
    expect(
      (await exchanges('tcl', `service=RecallItem&direction=in&outcome=ok&partner=${KSL}`)).length,
    ).toBeGreaterThanOrEqual(1);
    const ourLoan = await atKsl<{ items: { item: { barcode: string }; dueAt: string }[] }>(
      'GET',
      `/api/patrons/${KSL}/ILL-${TCL}/loans?limit=100`,
    );
    expect(new Date(ourLoan.items.find((l) => l.item.barcode === 'B0000024')!.dueAt).getTime()).toBeLessThan(
      Date.now() + 9 * 86_400_000,
    );

    await atTcl('POST', '/api/circulation/checkin', { item: { agency: KSL, barcode: 'B0000024' }, branch: 'TCL-MAIN' });
    await eventually(async () => (await tclRequest(asked.id)).state === 'returned', 30_000);
    await atTcl('POST', `/api/federation/requests/${asked.id}/act`, {
      action: 'ship_home',
      reason: 'sent with the Tuesday van',
    });

    // we check it in (CheckInItem), close the lending and tell 太仓 to delete its temporary copy: both complete
    await eventually(async () => (await lendingAtKsl(asked.id))?.state === 'completed', 30_000);
    await eventually(async () => (await tclRequest(asked.id)).state === 'completed', 30_000);
    expect((await tclRequest(asked.id)).transitions!.map((t) => t.to)).toEqual([
      'requested',
      'supplier_confirmed',
      'received',
      'loaned',
      'loaned',
      'recalled',
      'returned',
      'shipped_home',
      'completed',
    ]);
    const ours = await atKsl<Req>('GET', `/api/federation/requests/${lending.id}`);
    expect(ours.transitions!.map((t) => t.to)).toEqual(['requested', 'shipped', 'recalled', 'returned', 'completed']);
    expect((await atTcl<{ status: string }>('GET', `/api/items/${KSL}/B0000024`)).status).toBe('withdrawn');
    expect((await atKsl<{ status: string }>('GET', `/api/items/${KSL}/B0000024`)).status).toMatch(
      /in_transit|available/,
    );
  });

  it('a cancellation travels too: 太仓 cancels, our hold for it is cancelled', async () => {
    const asked = await atTcl<Req>('POST', '/api/federation/requests', {
      partner: KSL,
      patronBarcode: 'TCL0000002',
      itemBarcode: 'B0000025',
    });
    expect(asked.state).toBe('supplier_confirmed');
    const lending = (await lendingAtKsl(asked.id))!;
    const cancelled = await atTcl<Req>('POST', `/api/federation/requests/${asked.id}/act`, {
      action: 'cancel',
      reason: 'reader no longer needs it',
    });
    expect(cancelled.state).toBe('cancelled');
    expect((await atKsl<Req>('GET', `/api/federation/requests/${lending.id}`)).state).toBe('cancelled');
    const holds = await atKsl<{ items: { id: string; status: string }[] }>(
      'GET',
      `/api/holds?patronAgency=${KSL}&patronBarcode=ILL-${TCL}&status=all&limit=500`,
    );
    expect(holds.items.find((h) => h.id === lending.holdId)?.status).toBe('cancelled');
  });
});
