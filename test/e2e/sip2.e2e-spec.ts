import * as net from 'node:net';
import {
  createMessage,
  formatSip2Date,
  SIP2_BLANK_DATE,
  Sip2Client,
  Sip2ClientOptions,
  stripTerminator,
} from '@app/sip2-protocol';
import { e2eEnv } from './e2e-env';

/**
 * Kiosks and lockers against the whole suite over real sockets (plain and TLS, UTF-8 and GB18030),
 * on the demo network the launcher seeded.
 */
const env = e2eEnv();
const KSL = 'CN-320583-1-KSL';
const PIN = '1234';
// every message is a new transaction with its own transaction date (one second apart), as a kiosk's
// would be: the same terminal, date and ids again is a retransmission, answered with the first reply
let tick = 0;
const now = () => formatSip2Date(new Date(Date.now() + 1000 * tick++), 'Asia/Shanghai', 'local');
const clients: Sip2Client[] = [];

async function terminal(login: 'kiosk01' | 'locker01', opts: Sip2ClientOptions = {}): Promise<Sip2Client> {
  const charset = login === 'locker01' ? 'gb18030' : 'utf-8';
  const c = new Sip2Client({
    host: '127.0.0.1',
    port: opts.tls ? env.sip2TlsPort : env.sip2Port,
    insecure: true,
    charset,
    timeoutMs: 10_000,
    ...opts,
  });
  clients.push(c);
  await c.connect();
  const r = await c.login(login, `${login}-secret`, login === 'kiosk01' ? 'KSL-MAIN' : 'KSL-24H-SLGY');
  expect(r.response).toMatchObject({ code: '94', fixed: { ok: '1' } });
  return c;
}

const checkout = (item: string, patron: string, transactionDate = now()) =>
  createMessage(
    '11',
    { scRenewalPolicy: 'N', noBlock: 'N', transactionDate, nbDueDate: SIP2_BLANK_DATE },
    {
      institutionId: KSL,
      patronIdentifier: patron,
      itemIdentifier: item,
      terminalPassword: '',
      patronPassword: PIN,
    },
  );
const checkin = (item: string, location = 'KSL-MAIN') =>
  createMessage(
    '09',
    { noBlock: 'N', transactionDate: now(), returnDate: now() },
    { currentLocation: location, institutionId: KSL, itemIdentifier: item, terminalPassword: '' },
  );

async function openLoanBarcodes(patron: string): Promise<string[]> {
  const res = await fetch(`${env.gatewayUrl}/api/patrons/${KSL}/${patron}/loans?status=open&limit=100`, {
    headers: { authorization: `Bearer ${env.apiKey}` },
  });
  const body = (await res.json()) as { items: { item: { barcode: string } }[] };
  return body.items.map((l) => l.item.barcode);
}

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
});

describe('SIP2 over real sockets (e2e)', () => {
  it('kiosk01 over TLS runs every message type against the demo data', async () => {
    const c = await terminal('kiosk01', { tls: true });
    const sc = await c.scStatus();
    expect(sc.response).toMatchObject({ code: '98', fixed: { onlineStatus: 'Y' } });
    expect(sc.response.fields.supportedMessages).toBe('Y'.repeat(16));

    const status = await c.send(
      createMessage(
        '23',
        { language: '019', transactionDate: now() },
        { institutionId: KSL, patronIdentifier: 'P0000001', terminalPassword: '', patronPassword: PIN },
      ),
    );
    expect(status.response.fields).toMatchObject({ validPatron: 'Y', validPatronPassword: 'Y', personalName: '张三' });

    const out = await c.send(checkout('B0000010', 'P0000001'));
    expect(out.response).toMatchObject({ code: '12', fixed: { ok: '1', desensitize: 'Y' } });
    expect(out.response.fields.titleIdentifier).toBe('围城');
    expect(out.response.fields.dueDate).toMatch(/^\d{8} {4}\d{6}$/);

    const info = await c.send(
      createMessage(
        '63',
        { language: '019', transactionDate: now(), summary: '  Y       ' },
        { institutionId: KSL, patronIdentifier: 'P0000001', patronPassword: PIN },
      ),
    );
    expect(info.response.code).toBe('64');
    expect(info.response.fields.chargedItems).toEqual(expect.arrayContaining(['B0000010']));

    const item = await c.send(
      createMessage('17', { transactionDate: now() }, { institutionId: KSL, itemIdentifier: 'B0000010' }),
    );
    expect(item.response.fixed).toMatchObject({ circulationStatus: '04' });
    expect(item.response.fields.titleIdentifier).toBe('围城');

    const renew = await c.send(
      createMessage(
        '29',
        { thirdPartyAllowed: 'N', noBlock: 'N', transactionDate: now(), nbDueDate: SIP2_BLANK_DATE },
        { institutionId: KSL, patronIdentifier: 'P0000001', itemIdentifier: 'B0000010', patronPassword: PIN },
      ),
    );
    expect(renew.response).toMatchObject({ code: '30', fixed: { ok: '1' } });

    const all = await c.send(
      createMessage(
        '65',
        { transactionDate: now() },
        { institutionId: KSL, patronIdentifier: 'P0000001', patronPassword: PIN },
      ),
    );
    expect(all.response.code).toBe('66');

    const back = await c.send(checkin('B0000010', 'KSL-HQ'));
    expect(back.response).toMatchObject({ code: '10', fixed: { ok: '1', resensitize: 'Y' } });
    expect(back.response.fields.permanentLocation).toBeDefined();

    for (const [code, msg] of [
      [
        '20',
        createMessage(
          '19',
          { transactionDate: now() },
          { institutionId: KSL, itemIdentifier: 'B0000011', itemProperties: 'spine label' },
        ),
      ],
      // cancelling a hold that does not exist: answered (16 ok 0) without side effects; holds are placed below
      [
        '16',
        createMessage(
          '15',
          { holdMode: '-', transactionDate: now() },
          { institutionId: KSL, patronIdentifier: 'P0000001', itemIdentifier: 'B0000016', patronPassword: PIN },
        ),
      ],
      [
        '38',
        createMessage(
          '37',
          { transactionDate: now(), feeType: '01', paymentType: '00', currencyType: 'CNY' },
          { feeAmount: '0.00', institutionId: KSL, patronIdentifier: 'P0000001' },
        ),
      ],
      ['36', createMessage('35', { transactionDate: now() }, { institutionId: KSL, patronIdentifier: 'P0000001' })],
    ] as const) {
      expect((await c.send(msg)).response.code).toBe(code);
    }
  });

  it('hold → trap → pickup on the demo data: 15 places it, 29 is refused, 09 traps it (CV 01), 18 shows 08, 64 lists it, 11 lends it to the holder', async () => {
    const c = await terminal('kiosk01');
    const pi = (patron: string, summary: string) =>
      c.send(
        createMessage(
          '63',
          { language: '001', transactionDate: now(), summary },
          { institutionId: KSL, patronIdentifier: patron, patronPassword: PIN },
        ),
      );
    await pi('P0000004', '          '); // the session speaks English from here on
    expect((await c.send(checkout('B0000017', 'P0000001'))).response.fixed).toMatchObject({ ok: '1' });

    const placed = await c.send(
      createMessage(
        '15',
        { holdMode: '+', transactionDate: now() },
        { institutionId: KSL, patronIdentifier: 'P0000004', itemIdentifier: 'B0000017', patronPassword: PIN },
      ),
    );
    expect(placed.response).toMatchObject({
      code: '16',
      fixed: { ok: '1', available: 'N' },
      fields: { pickupLocation: 'KSL-MAIN', queuePosition: '1', titleIdentifier: '人类简史' },
    });
    expect((await pi('P0000004', '     Y    ')).response.fields.unavailableHoldItems).toEqual(['B0000017']);

    const renew = await c.send(
      createMessage(
        '29',
        { thirdPartyAllowed: 'N', noBlock: 'N', transactionDate: now(), nbDueDate: SIP2_BLANK_DATE },
        { institutionId: KSL, patronIdentifier: 'P0000001', itemIdentifier: 'B0000017', patronPassword: PIN },
      ),
    );
    expect(renew.response).toMatchObject({
      fixed: { ok: '0' },
      fields: { screenMessage: ['Another patron is waiting for this item; it cannot be renewed'] },
    });

    const back = await c.send(checkin('B0000017'));
    expect(back.response).toMatchObject({
      code: '10',
      fixed: { ok: '1', alert: 'Y' },
      fields: { alertType: '01', sortBin: 'HOLDS', destinationLocation: 'KSL-MAIN', holdPatronId: 'P0000004' },
    });
    const item = await c.send(
      createMessage('17', { transactionDate: now() }, { institutionId: KSL, itemIdentifier: 'B0000017' }),
    );
    expect(item.response).toMatchObject({ fixed: { circulationStatus: '08' }, fields: { holdQueueLength: '1' } });
    const ready = await pi('P0000004', 'Y         ');
    expect(ready.response).toMatchObject({ fixed: { holdItemsCount: '0001' }, fields: { holdItems: ['B0000017'] } });

    const someoneElse = await c.send(checkout('B0000017', 'P0000001'));
    expect(someoneElse.response).toMatchObject({
      fixed: { ok: '0' },
      fields: { screenMessage: ['This item is on hold for another patron'] },
    });
    expect((await c.send(checkout('B0000017', 'P0000004'))).response.fixed).toMatchObject({ ok: '1' });
    expect((await pi('P0000004', '          ')).response.fixed).toMatchObject({
      holdItemsCount: '0000',
      unavailableHoldsCount: '0000',
    });
    // returned again: nobody waits, it goes back on the shelf at home
    expect((await c.send(checkin('B0000017'))).response.fixed).toMatchObject({ ok: '1', alert: 'N' });
  });

  it('blocking a card (01) answers 24 and patron enable (25) lifts it', async () => {
    const c = await terminal('kiosk01');
    const block = await c.send(
      createMessage(
        '01',
        { cardRetained: 'N', transactionDate: now() },
        { institutionId: KSL, blockedCardMessage: 'card misuse', patronIdentifier: 'P0000004', terminalPassword: '' },
      ),
    );
    expect(block.response.code).toBe('24');
    expect((block.response.fixed as { patronStatus: string }).patronStatus.charAt(0)).toBe('Y');
    const enable = await c.send(
      createMessage(
        '25',
        { transactionDate: now() },
        { institutionId: KSL, patronIdentifier: 'P0000004', patronPassword: PIN },
      ),
    );
    expect(enable.response.code).toBe('26');
    expect((enable.response.fixed as { patronStatus: string }).patronStatus.charAt(0)).toBe(' ');
  });

  it('locker01 speaks GB18030: Chinese titles round-trip and the checksum is over GB18030 bytes', async () => {
    const c = await terminal('locker01');
    const out = await c.send(checkout('B0000012', 'P0000004'));
    expect(out.checksum.status).toBe('valid');
    expect(out.response.fields.titleIdentifier).toBe('骆驼祥子');
    expect(out.responseBytes.includes(Buffer.from('骆驼祥子', 'utf8'))).toBe(false);
    const back = await c.send(checkin('B0000012', 'KSL-24H-SLGY'));
    expect(back.response.fixed).toMatchObject({ ok: '1' });
  });

  it('a retransmitted checkout gets the cached answer and creates one loan', async () => {
    const c = await terminal('kiosk01');
    const first = await c.send(checkout('B0000013', 'P0000001'));
    expect(first.response.fixed).toMatchObject({ ok: '1' });
    const replay = await c.sendRaw(first.requestBytes);
    expect(replay.equals(first.responseBytes)).toBe(true);
    expect((await openLoanBarcodes('P0000001')).filter((b) => b === 'B0000013')).toHaveLength(1);
    expect((await c.send(checkin('B0000013'))).response.fixed).toMatchObject({ ok: '1' });
  });

  it('20 kiosks checking out the same item concurrently: exactly one 121 and nineteen 120', async () => {
    const kiosks = await Promise.all(Array.from({ length: 20 }, () => terminal('kiosk01')));
    // each its own transaction (its own transaction date): one login, one item, one patron and one
    // transaction date would be the same transaction retried, answered with its first answer (docs/sip2.md §4.1)
    const at = Date.now();
    const answers = await Promise.all(
      kiosks.map((c, i) =>
        c.send(
          checkout(
            'B0000014',
            i % 2 ? 'P0000004' : 'P0000001',
            formatSip2Date(new Date(at - i * 1000), 'Asia/Shanghai', 'local'),
          ),
        ),
      ),
    );
    const wire = answers.map((a) => stripTerminator(a.responseBytes).toString('utf8').slice(0, 3));
    expect(wire.filter((w) => w === '121')).toHaveLength(1);
    expect(wire.filter((w) => w === '120')).toHaveLength(19);
    expect((await kiosks[0].send(checkin('B0000014'))).response.fixed).toMatchObject({ ok: '1' });
  });

  it('garbage, oversized frames and bad checksums leave the service answering', async () => {
    const c = await terminal('kiosk01');
    expect((await c.sendRaw('9900401.00AY1AZAAAA')).toString()).toBe('96AZFEF6');
    expect((await c.sendRaw(Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x0d]))).toString()).toBe('96AZFEF6');
    expect((await c.sendRaw('17' + 'X'.repeat(50_000))).toString()).toBe('96AZFEF6');
    // a raw socket spraying junk without a terminator, then hanging up
    const junk = net.connect({ host: '127.0.0.1', port: env.sip2Port });
    await new Promise((r) => junk.once('connect', r));
    junk.write(Buffer.alloc(100_000, 0x41));
    junk.destroy();
    expect((await c.scStatus()).response.code).toBe('98');
    const fresh = await terminal('locker01', { tls: true });
    expect((await fresh.scStatus()).response.code).toBe('98');
  });

  it('operators see the terminal accounts and SIP2 metrics through the gateway', async () => {
    const res = await fetch(`${env.gatewayUrl}/api/sip2/terminals`, {
      headers: { authorization: `Bearer ${env.apiKey}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: { login: string; charset: string }[] };
    expect(body.items.map((t) => [t.login, t.charset])).toEqual(
      expect.arrayContaining([
        ['kiosk01', 'utf-8'],
        ['locker01', 'gb18030'],
      ]),
    );
    expect(JSON.stringify(body)).not.toMatch(/secret|scrypt/);
    const metrics = await fetch(`${env.gatewayUrl}/api/sip2/metrics`, {
      headers: { authorization: `Bearer ${env.apiKey}` },
    });
    expect(metrics.status).toBe(200);
  });
});
