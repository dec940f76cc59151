import * as fs from 'node:fs';
import * as path from 'node:path';
import { createMessage, formatSip2Date, SIP2_BLANK_DATE, Sip2Client } from '@app/sip2-protocol';
import { e2eEnv } from './e2e-env';

/**
 * Circulation that survives the field, on the whole suite as processes (docs/sip2.md §4.1, §5.4; docs/
 * circulation.md "Exactly once", "Offline transactions"): a loans process killed (SIGKILL) between its
 * COMMIT and its reply, a kiosk retrying after a reconnect, no-block checkouts, back-dated returns, the
 * staff offline upload and the per-terminal SIP2 profile flags, over real sockets and HTTP.
 *
 * The kill: globalSetup starts the suite with LOANS_TEST_EXIT_AFTER_COMMIT=CN-320583-1-KSL/CRASH-0001
 * (a test-only hook the loans service refuses under NODE_ENV=production), so the checkout of that one
 * item makes the loans process kill itself right after COMMIT; the launcher restarts it.
 */
const env = e2eEnv();
const KSL = 'CN-320583-1-KSL';
const TZ = 'Asia/Shanghai';
const DAY = 86_400_000;
const clients: Sip2Client[] = [];

async function api(
  method: string,
  p: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${env.gatewayUrl}${p}`, {
    method,
    headers: {
      authorization: `Bearer ${env.apiKey}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function kiosk(login = 'kiosk01', timeoutMs = 60_000): Promise<Sip2Client> {
  const c = new Sip2Client({
    host: '127.0.0.1',
    port: env.sip2Port,
    charset: login === 'locker01' ? 'gb18030' : 'utf-8',
    timeoutMs,
  });
  clients.push(c);
  await c.connect();
  const r = await c.login(login, `${login}-secret`, 'x');
  expect(r.response).toMatchObject({ code: '94', fixed: { ok: '1' } });
  return c;
}

/** A response with its fixed fields as plain strings (the message-typed union is too narrow for asserting). */
type Reply = { code: string; fixed: Record<string, string>; fields: Record<string, any> };
const send = async (c: Sip2Client, msg: Parameters<Sip2Client['send']>[0]): Promise<Reply> =>
  (await c.send(msg)).response as unknown as Reply;

let recordId: string;
async function newItem(barcode: string, extra: Record<string, unknown> = {}): Promise<void> {
  const res = await api('POST', '/api/items', {
    agency: KSL,
    barcode,
    recordId,
    itemType: 'book',
    homeBranch: 'KSL-MAIN',
    ...extra,
  });
  expect(res.status).toBe(201);
}

const sipDate = (d: Date) => formatSip2Date(d, TZ, 'local');
const localDay = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(d);
const checkoutMsg = (item: string, patron: string, txDate: string, extra: { noBlock?: boolean; due?: string } = {}) =>
  createMessage(
    '11',
    {
      scRenewalPolicy: 'N',
      noBlock: extra.noBlock ? 'Y' : 'N',
      transactionDate: txDate,
      nbDueDate: extra.due ?? SIP2_BLANK_DATE,
    },
    {
      institutionId: KSL,
      patronIdentifier: patron,
      itemIdentifier: item,
      terminalPassword: '',
      patronPassword: '1234',
    },
  );
const checkinMsg = (item: string, txDate: string, returnDate: string) =>
  createMessage(
    '09',
    { noBlock: 'N', transactionDate: txDate, returnDate },
    { currentLocation: 'KSL-MAIN', institutionId: KSL, itemIdentifier: item, terminalPassword: '' },
  );

/** The patron's open loan of `item` (P0000001 unless said), or null; throws while the gateway cannot answer. */
async function openLoan(
  item: string,
  patron = 'P0000001',
): Promise<{ patron: { barcode: string }; dueDate: string } | null> {
  const res = await api('GET', `/api/patrons/${KSL}/${patron}/loans?status=open&limit=200`);
  if (res.status !== 200) throw new Error(`loans list: ${res.status}`);
  return (
    (res.body.items as { item: { barcode: string }; patron: { barcode: string }; dueDate: string }[]).find(
      (l) => l.item.barcode === item,
    ) ?? null
  );
}

beforeAll(async () => {
  const res = await api('POST', '/api/records', { title: '现场测试', author: '测试' });
  expect(res.status).toBe(201);
  recordId = res.body.id;
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
});

describe('exactly once over SIP2, with the loans process killed after its COMMIT (e2e)', () => {
  it('answers the kiosk "ok" with the committed loan (or refuses and leaves nothing), never both; a retry after reconnect gets the first answer', async () => {
    await newItem('CRASH-0001');
    const log = path.join(env.dataDir, 'services.log');
    const killsBefore = (fs.readFileSync(log, 'utf8').match(/loans exited \(code null, signal SIGKILL\)/g) ?? [])
      .length;
    const txDate = sipDate(new Date());
    const c = await kiosk();
    const first = await send(c, checkoutMsg('CRASH-0001', 'P0000001', txDate));
    expect(first.code).toBe('12');
    // the loans process really died between COMMIT and reply (the launcher logs it and restarts it)
    const killed = () =>
      (fs.readFileSync(log, 'utf8').match(/loans exited \(code null, signal SIGKILL\)/g) ?? []).length > killsBefore;
    await waitFor(async () => killed());

    if (first.fixed.ok === '1') {
      const loan = await waitFor(() => openLoan('CRASH-0001'));
      expect(loan.patron.barcode).toBe('P0000001');
      expect(first.fields.dueDate).toBe(sipDate(new Date(`${loan.dueDate}T23:59:59+08:00`)));
    } else {
      // refused: the write was abandoned (tombstone) or undone (compensation); it never stays committed
      await waitFor(async () => (await openLoan('CRASH-0001')) === null);
    }

    // the kiosk lost its connection and sends the same transaction again on a new one (same transaction date, new AY)
    await c.close();
    const c2 = await kiosk();
    const again = await send(c2, checkoutMsg('CRASH-0001', 'P0000001', txDate));
    expect(again.fixed.ok).toBe(first.fixed.ok);
    expect(again.fields.dueDate).toBe(first.fields.dueDate);
  });
});

describe('Idempotency-Key over HTTP (e2e)', () => {
  it('the same key answers the first checkout again; another body under it is 422 IDEMPOTENCY_KEY_REUSED', async () => {
    await newItem('HK-0001');
    await newItem('HK-0002');
    const key = { 'idempotency-key': `e2e-${Date.now()}` };
    const body = (item: string) => ({
      patron: { agency: KSL, barcode: 'P0000004' },
      item: { agency: KSL, barcode: item },
      branch: 'KSL-MAIN',
    });
    const first = await api('POST', '/api/circulation/checkout', body('HK-0001'), key);
    expect(first.status).toBe(201);
    const again = await api('POST', '/api/circulation/checkout', body('HK-0001'), key);
    expect(again.status).toBe(201);
    expect(again.body.loan).toEqual(first.body.loan);
    const other = await api('POST', '/api/circulation/checkout', body('HK-0002'), key);
    expect(other).toMatchObject({ status: 422, body: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    // without the key, the same request is a new one: already on loan
    expect((await api('POST', '/api/circulation/checkout', body('HK-0001'))).status).toBe(409);
  });
});

describe('offline transactions and book drops over SIP2 (e2e)', () => {
  it('98 announces offline ok and the accepted window', async () => {
    const c = await kiosk();
    const sc = await c.scStatus();
    expect(sc.response.fixed).toMatchObject({ offlineOk: 'Y' });
    expect(sc.response.fields.screenMessage?.join(' ')).toContain('7');
  });

  it('no-block checkout with the kiosk due date; a conflict (on loan to someone else) lands on the exceptions list', async () => {
    await newItem('NB-0001');
    const c = await kiosk();
    const at = new Date(Date.now() - 2 * DAY);
    const due = new Date(Date.now() + 12 * DAY);
    const r = await send(c, checkoutMsg('NB-0001', 'P0000001', sipDate(at), { noBlock: true, due: sipDate(due) }));
    expect(r.fixed.ok).toBe('1');
    expect(r.fields.dueDate).toBe(`${localDay(due).replace(/-/g, '')}    235959`);
    expect((await openLoan('NB-0001'))?.dueDate).toBe(localDay(due));

    // the same copy lent offline by another kiosk to another patron a moment later
    const r2 = await send(
      c,
      checkoutMsg('NB-0001', 'P0000004', sipDate(new Date(Date.now() - DAY)), { noBlock: true }),
    );
    expect(r2.fixed.ok).toBe('1');
    const list = await api('GET', '/api/circulation/exceptions?branch=KSL-MAIN&limit=100');
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ reason: 'item_on_loan_to_other', item: { agency: KSL, barcode: 'NB-0001' } }),
      ]),
    );

    // a date that does not parse is refused, not taken as "now"
    const bad = await send(c, checkoutMsg('NB-0001', 'P0000001', '20261301    999999', { noBlock: true }));
    expect(bad.fixed.ok).toBe('0');
  });

  it('a back-dated checkin (book drop) closes the loan and fines as of the return date', async () => {
    await newItem('BD-0001');
    const c = await kiosk();
    // lent offline 6 days ago, due 5 days ago (the demo rule: 10 fen a day after 3 grace days; KSL-MAIN open daily)
    const out = await send(
      c,
      checkoutMsg('BD-0001', 'P0000001', sipDate(new Date(Date.now() - 6 * DAY)), {
        noBlock: true,
        due: sipDate(new Date(Date.now() - 5 * DAY)),
      }),
    );
    expect(out.fixed.ok).toBe('1');
    // returned in the book drop 1 day ago: 4 days late (within 3 grace days? no: 4 > 3, so all 4 are fined)
    const back = await send(c, checkinMsg('BD-0001', sipDate(new Date()), sipDate(new Date(Date.now() - DAY))));
    expect(back.fixed.ok).toBe('1');
    expect(back.fields.screenMessage?.join(' ')).toContain('0.40');
    const history = await api('GET', `/api/patrons/${KSL}/P0000001/fines?status=all&limit=50`);
    expect(history.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ item: { agency: KSL, barcode: 'BD-0001' }, amountFen: 40 })]),
    );
  });

  it('the staff offline upload (CSV) replays in time order with a result per line and a conflict', async () => {
    await newItem('UP-0001');
    const t = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
    const csv = [
      'kind,at,itemAgency,itemBarcode,patronAgency,patronBarcode,dueDate,id',
      `checkout,${t(3)},${KSL},UP-0001,${KSL},P0000004,,e2e-2`,
      `checkout,${t(5)},${KSL},UP-0001,${KSL},P0000001,,e2e-1`,
    ].join('\n');
    const res = await fetch(`${env.gatewayUrl}/api/circulation/offline?branch=KSL-MAIN&uploadedBy=e2e`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.apiKey}`, 'content-type': 'text/csv' },
      body: csv,
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: { id: string; status: string; code?: string }[] };
    expect(body.results.map((r) => [r.id, r.status])).toEqual([
      ['e2e-1', 'applied'],
      ['e2e-2', 'exception'],
    ]);
    expect(body.results[1].code).toBe('item_on_loan_to_other');
  });

  it('staff resolve an exception with a note (who: the API key); the list filters open and resolved', async () => {
    await newItem('RS-0001');
    const t = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
    const upload = await api('POST', '/api/circulation/offline', {
      branch: 'KSL-ZS',
      transactions: [
        {
          kind: 'checkout',
          at: t(3),
          item: { agency: KSL, barcode: 'RS-0001' },
          patron: { agency: KSL, barcode: 'P0000001' },
        },
        {
          kind: 'checkout',
          at: t(2),
          item: { agency: KSL, barcode: 'RS-0001' },
          patron: { agency: KSL, barcode: 'P0000004' },
        },
      ],
    });
    expect(upload.status).toBe(200);
    const id = upload.body.results[1].exceptionId as string;
    const has = async (q: string) =>
      (
        (await api('GET', `/api/circulation/exceptions?branch=KSL-ZS&limit=200${q}`)).body.items as { id: string }[]
      ).some((e) => e.id === id);
    expect(await has('')).toBe(true);

    const done = await api('POST', `/api/circulation/exceptions/${id}/resolve`, {
      note: 'both readers called; P0000004 keeps it',
      resolvedBy: 'forged', // not a body field: who comes from the API key
    });
    expect(done.status).toBe(400);
    const ok = await api('POST', `/api/circulation/exceptions/${id}/resolve`, { note: 'both readers called' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ id, resolvedBy: 'staff:bootstrap', resolutionNote: 'both readers called' });
    expect(ok.body.resolvedAt).toEqual(expect.any(String));
    expect(await has('')).toBe(false);
    expect(await has('&status=resolved')).toBe(true);
    expect(await has('&status=all')).toBe(true);
    expect(
      (await api('POST', `/api/circulation/exceptions/${id}/resolve`, { note: 'again, differently' })).status,
    ).toBe(409);
    expect((await api('POST', '/api/circulation/exceptions/not-a-uuid/resolve', { note: 'x' })).status).toBe(400);
  });

  it('renewal too soon is refused with a clear screen message', async () => {
    const rule = await api('PUT', '/api/circulation-rules/e2e-renew-late', {
      scope: 'KSL-ZS',
      patronType: 'adult',
      itemType: 'audiovisual',
      loanDays: 21,
      maxRenewals: 1,
      renewalDays: 21,
      maxItems: 20,
      renewWithinDays: 3,
    });
    expect(rule.status).toBe(200);
    await newItem('RT-0001', { homeBranch: 'KSL-ZS', itemType: 'audiovisual' });
    const c = await kiosk();
    expect((await send(c, checkoutMsg('RT-0001', 'P0000001', sipDate(new Date())))).fixed.ok).toBe('1');
    const renew = await send(
      c,
      createMessage(
        '29',
        { thirdPartyAllowed: 'N', noBlock: 'N', transactionDate: sipDate(new Date()), nbDueDate: SIP2_BLANK_DATE },
        {
          institutionId: KSL,
          patronIdentifier: 'P0000001',
          itemIdentifier: 'RT-0001',
          patronPassword: '1234',
        },
      ),
    );
    expect(renew.fixed.ok).toBe('0');
    expect(renew.fields.screenMessage?.join(' ')).toMatch(/too early to renew.*renewed from \d{4}-\d{2}-\d{2}/);
  });
});

describe('per-terminal SIP2 profiles change the wire answers (e2e)', () => {
  const profile = (flags: Record<string, unknown>) =>
    api('PUT', '/api/sip2/terminals/sorter01', {
      password: 'sorter01-secret',
      institutionId: KSL,
      location: 'KSL-MAIN',
      ...flags,
    });

  it('checkin not on loan ok Y/N, holds trap or not, contact without PIN, language echo, screen language', async () => {
    // their own title, so no other loan or hold of this spec touches its queue
    const record = await api('POST', '/api/records', { title: '终端配置测试', author: '测试' });
    expect(record.status).toBe(201);
    await newItem('PF-0001', { recordId: record.body.id });
    await newItem('PF-0002', { recordId: record.body.id });
    // a patron with contact details (the demo patrons have none)
    const patron = await api('POST', '/api/patrons', {
      agency: KSL,
      barcode: 'PF-READER',
      name: '王芳',
      patronType: 'adult',
      homeBranch: 'KSL-MAIN',
      cardExpiresOn: '2099-12-31',
      pin: '1234',
      email: 'wangfang@example.cn',
      phone: '13900000000',
    });
    expect(patron.status).toBe(201);
    expect((await profile({})).status).toBe(200);
    let c = await kiosk('sorter01');
    // defaults: today's behaviour
    let r = await send(c, checkinMsg('PF-0001', sipDate(new Date()), sipDate(new Date())));
    expect(r.fixed.ok).toBe('1');
    expect(r.fields.screenMessage?.[0]).toContain(' / ');
    let info = await send(
      c,
      createMessage(
        '63',
        { language: '001', transactionDate: sipDate(new Date()), summary: ' '.repeat(10) },
        { institutionId: KSL, patronIdentifier: 'PF-READER' },
      ),
    );
    expect(info.fixed.language).toBe('019');
    expect(info.fields.emailAddress).toBeUndefined();
    await c.close();

    const set = await profile({
      checkinNotOnLoanOk: false,
      checkinTrapsHolds: false,
      contactWithoutPin: true,
      languageField: 'echo',
      screenLanguage: 'en',
    });
    expect(set.body).toMatchObject({
      checkinNotOnLoanOk: false,
      checkinTrapsHolds: false,
      contactWithoutPin: true,
      languageField: 'echo',
      screenLanguage: 'en',
    });
    c = await kiosk('sorter01');
    r = await send(c, checkinMsg('PF-0001', sipDate(new Date()), sipDate(new Date())));
    expect(r.fixed.ok).toBe('0');
    expect(r.fields.screenMessage?.[0]).toBe('Checked in (the item was not on loan)');
    info = await send(
      c,
      createMessage(
        '63',
        { language: '001', transactionDate: sipDate(new Date()), summary: ' '.repeat(10) },
        { institutionId: KSL, patronIdentifier: 'PF-READER' },
      ),
    );
    expect(info.fixed.language).toBe('001');
    expect(info.fields).toMatchObject({ emailAddress: 'wangfang@example.cn', homePhoneNumber: '13900000000' });

    // a waiting hold on the title is not trapped by a checkin at this terminal
    const hold = await api('POST', '/api/holds', {
      patron: { agency: KSL, barcode: 'PF-READER' },
      item: { agency: KSL, barcode: 'PF-0002' },
      pickupBranch: 'KSL-MAIN',
    });
    expect(hold).toMatchObject({ status: 201 });
    expect(
      (
        await api('POST', '/api/circulation/checkout', {
          patron: { agency: KSL, barcode: 'P0000001' },
          item: { agency: KSL, barcode: 'PF-0002' },
          branch: 'KSL-MAIN',
        })
      ).status,
    ).toBe(201);
    // a transaction date of its own (5 s back): the next checkin of this copy at this terminal must not be
    // taken for a retransmission of this one, whatever second the two fall in
    const earlier = sipDate(new Date(Date.now() - 5000));
    r = await send(c, checkinMsg('PF-0002', earlier, earlier));
    expect(r.fixed).toMatchObject({ ok: '1', alert: 'N' });
    await c.close();

    // the default terminal traps it
    expect((await profile({ checkinTrapsHolds: true })).status).toBe(200);
    expect(
      (
        await api('POST', '/api/circulation/checkout', {
          patron: { agency: KSL, barcode: 'P0000001' },
          item: { agency: KSL, barcode: 'PF-0002' },
          branch: 'KSL-MAIN',
        })
      ).status,
    ).toBe(201);
    c = await kiosk('sorter01');
    r = await send(c, checkinMsg('PF-0002', sipDate(new Date()), sipDate(new Date())));
    expect(r.fixed).toMatchObject({ ok: '1', alert: 'Y' });
    expect(r.fields.alertType).toBe('01');

    // the reader is told, once, on the phone on her card: which title waits at which branch until when
    const readyNotices = async () =>
      ((await (await fetch(`${env.noticeSinkUrl}/notices`)).json()) as SinkNotice[]).filter(
        (n) => n.template === 'hold_ready' && n.holdId === hold.body.id,
      );
    const [ready] = await waitFor(async () => (await readyNotices()).length > 0 && readyNotices());
    expect(ready).toMatchObject({
      orderId: null,
      patron: { agency: KSL, barcode: 'PF-READER' },
      phone: '13900000000',
      params: { titles: '终端配置测试', branch: '总馆' },
    });
    expect(ready.params.deadline).toMatch(/^\d{2}月\d{2}日 \d{2}:\d{2}$/);
    expect(ready.text).toContain(`请于${ready.params.deadline}前`);
  });
});

/** A notice as the notifier's webhook posted it to the e2e sink. */
interface SinkNotice {
  orderId: string | null;
  holdId?: string;
  loanId?: string;
  template: string;
  patron: { agency: string; barcode: string };
  phone: string | null;
  params: Record<string, string>;
  text: string;
}

/** Polls until `check` gives a truthy value (services answering, a log line written); never a fixed sleep. */
async function waitFor<T>(check: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v) return v;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}
