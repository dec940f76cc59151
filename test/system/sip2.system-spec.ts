import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatSip2Date } from '@app/sip2-protocol';
import {
  ErrorCode,
  FineSubjects,
  FinesPage,
  LoanRuleSubjects,
  LoanSubjects,
  LoanView,
  Page,
  PatronSubjects,
  PatronView,
  ServiceHealth,
  Sip2MetricsView,
  Sip2Subjects,
  Sip2TerminalView,
} from '@app/contracts';
import { findFreePorts } from '@app/runtime';
import { metricsExposition } from '@app/common';
import {
  checksumOfBytes,
  createMessage,
  decodeText,
  parseMessage,
  SIP2_BLANK_DATE,
  Sip2Client,
  Sip2ClientOptions,
  stripTerminator,
  verifyChecksum,
} from '@app/sip2-protocol';
import { eventually, RpcTestClient, startTestService } from '@app/testing';
import { Client } from 'pg';
// spec files may boot other services in-process; production code never imports across apps
import { CirculationFixture, KSL } from './support/circulation-fixture';
import { Sip2EnvDto } from '../../apps/sip2/src/config/sip2-env.dto';
import { Sip2Module } from '../../apps/sip2/src/sip2.module';

const PIN = '2468';
const TZ = 'Asia/Shanghai';
// every message is a new transaction, so each gets its own transaction date (one second apart), as a
// kiosk's would: the same terminal, date and ids again is a retransmission, answered with the first reply
let tick = 0;
const now = () => formatSip2Date(new Date(Date.now() + 1000 * tick++), TZ);

describe('sip2 service (real PostgreSQL + NATS, real TCP/TLS sockets, with catalog, patrons and loans)', () => {
  const fx = new CirculationFixture({
    prefix: 'sip2',
    env: { LIBRARY_TIMEZONE: TZ },
    db: true,
    patronDefaults: { name: '李四', pin: PIN },
  });
  const { createPatron } = fx;
  const clients: Sip2Client[] = [];
  let rpc: RpcTestClient;
  let db: Client;
  let tcpPort: number;
  let tlsPort: number;
  let tlsDir: string;
  let recordId: string;

  const createItem = (barcode: string, extra: Record<string, unknown> = {}) => fx.createItem(barcode, recordId, extra);
  const openLoans = async (patron: string) =>
    (
      await rpc.request<Page<LoanView>>(LoanSubjects.patronLoans, {
        patron: { agency: KSL, barcode: patron },
        status: 'open',
      })
    ).items;

  async function connect(opts: Sip2ClientOptions = {}): Promise<Sip2Client> {
    const c = new Sip2Client({ port: opts.tls ? tlsPort : tcpPort, insecure: true, timeoutMs: 10_000, ...opts });
    clients.push(c);
    await c.connect();
    return c;
  }

  async function kiosk(opts: Sip2ClientOptions = {}): Promise<Sip2Client> {
    const c = await connect(opts);
    const r = await c.login('kiosk01', 'kiosk01-secret', 'KSL-MAIN');
    expect(r.response).toMatchObject({ code: '94', fixed: { ok: '1' } });
    return c;
  }

  const checkout = (item: string, patron: string, extra: Record<string, string> = {}) =>
    createMessage(
      '11',
      { scRenewalPolicy: 'N', noBlock: 'N', transactionDate: now(), nbDueDate: SIP2_BLANK_DATE },
      {
        institutionId: KSL,
        patronIdentifier: patron,
        itemIdentifier: item,
        terminalPassword: '',
        ...extra,
      },
    );
  const checkin = (item: string) =>
    createMessage(
      '09',
      { noBlock: 'N', transactionDate: now(), returnDate: now() },
      { currentLocation: 'KSL-MAIN', institutionId: KSL, itemIdentifier: item, terminalPassword: '' },
    );

  beforeAll(async () => {
    await fx.start();
    [tcpPort, tlsPort] = await findFreePorts(2);
    tlsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sip2-tls-'));
    fx.services.push(
      await startTestService({
        name: 'sip2',
        envClass: Sip2EnvDto,
        env: fx.env.env({
          LIBRARY_TIMEZONE: TZ,
          SIP2_HOST: '127.0.0.1',
          SIP2_PORT: String(tcpPort),
          SIP2_TLS_PORT: String(tlsPort),
          SIP2_TLS_DIR: tlsDir,
        }),
        register: Sip2Module.register,
      }),
    );
    ({ rpc, db } = fx);

    await fx.registerKsl([['KSL-24H-SLGY', '24小时城市书房(森林公园)', 'self_service_24h']]);
    recordId = await fx.newRecord('红楼梦', { author: '曹雪芹', clcCallNumber: 'I242.4' });
    await createPatron('P-1');
    await createPatron('P-LOST', { blocks: ['card_lost'] });
    // seeding is repeated by the launcher on every start: the subject must be idempotent
    for (let i = 0; i < 2; i++) {
      await rpc.request(Sip2Subjects.upsertTerminal, {
        login: 'kiosk01',
        password: 'kiosk01-secret',
        institutionId: KSL,
        location: 'KSL-MAIN',
        charset: 'UTF-8',
      });
      await rpc.request(Sip2Subjects.upsertTerminal, {
        login: 'locker01',
        password: 'locker01-secret',
        institutionId: KSL,
        location: 'KSL-24H-SLGY',
        charset: 'GB18030',
      });
    }
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await fx.stop();
    if (tlsDir) fs.rmSync(tlsDir, { recursive: true, force: true });
  });

  it('manages terminal accounts over NATS and never returns the password', async () => {
    const view = await rpc.request<Sip2TerminalView>(Sip2Subjects.getTerminal, { login: 'kiosk01' });
    expect(view).toMatchObject({
      login: 'kiosk01',
      institutionId: KSL,
      location: 'KSL-MAIN',
      charset: 'utf-8',
      terminator: 'CR',
      fieldDelimiter: '|',
      errorDetection: 'auto',
      allowScStatusBeforeLogin: false,
      idleTimeoutSeconds: 900,
      enabled: true,
    });
    expect(JSON.stringify(view)).not.toMatch(/secret|scrypt|password/i);
    const list = await rpc.request<Page<Sip2TerminalView>>(Sip2Subjects.listTerminals, {});
    expect(list.items.map((t) => [t.login, t.charset])).toEqual([
      ['kiosk01', 'utf-8'],
      ['locker01', 'gb18030'],
    ]);
    await expect(
      rpc.request(Sip2Subjects.upsertTerminal, { login: 'new01', institutionId: KSL, location: 'KSL-MAIN' }),
    ).rejects.toMatchObject({ payload: { code: ErrorCode.ValidationFailed } });
    await expect(rpc.request(Sip2Subjects.getTerminal, { login: 'nobody' })).rejects.toMatchObject({
      payload: { code: ErrorCode.NotFound },
    });
    // update without a password keeps it
    await rpc.request(Sip2Subjects.upsertTerminal, {
      login: 'kiosk01',
      institutionId: KSL,
      location: 'KSL-MAIN',
      description: '总馆一楼',
    });
    const c = await kiosk();
    await c.close();
  });

  it('over TCP: a wrong password answers 940 on the same socket, then the right one logs in; 99 answers 98', async () => {
    const c = await connect();
    expect((await c.login('kiosk01', 'wrong-password')).response).toMatchObject({ code: '94', fixed: { ok: '0' } });
    expect((await c.login('kiosk01', 'kiosk01-secret')).response).toMatchObject({ code: '94', fixed: { ok: '1' } });
    const sc = await c.scStatus();
    expect(sc.response).toMatchObject({ code: '98', fixed: { onlineStatus: 'Y', protocolVersion: '2.00' } });
    expect(sc.response.fields).toMatchObject({
      institutionId: KSL,
      libraryName: '昆山市图书馆',
      terminalLocation: 'KSL-MAIN',
      supportedMessages: 'Y'.repeat(16),
    });
    expect(sc.checksum.status).toBe('valid');
  });

  it('over TLS (UTF-8 kiosk): every message type against the real services', async () => {
    await createItem('T-1');
    await createItem('T-2');
    await createItem('T-REF', { itemType: 'reference', loanable: false });
    const c = await kiosk({ tls: true });

    const st = await c.send(
      createMessage(
        '23',
        { language: '019', transactionDate: now() },
        { institutionId: KSL, patronIdentifier: 'P-1', terminalPassword: '', patronPassword: PIN },
      ),
    );
    expect(st.response).toMatchObject({
      code: '24',
      fixed: { patronStatus: ' '.repeat(14), language: '019' },
      fields: { personalName: '李四', validPatron: 'Y', validPatronPassword: 'Y' },
    });

    const lost = await c.send(
      createMessage(
        '23',
        { language: '001', transactionDate: now() },
        { institutionId: KSL, patronIdentifier: 'P-LOST', terminalPassword: '', patronPassword: '' },
      ),
    );
    expect(lost.response.fields.screenMessage).toEqual(['This card has been reported lost']);
    expect((lost.response.fixed as { patronStatus: string }).patronStatus.slice(0, 5)).toBe('YYYYY');

    const out = await c.send(checkout('T-1', 'P-1', { patronPassword: PIN }));
    expect(out.response).toMatchObject({
      code: '12',
      fixed: { ok: '1', desensitize: 'Y' },
      fields: { titleIdentifier: '红楼梦', mediaType: '001' },
    });
    expect(out.response.fields.dueDate).toMatch(/^\d{8} {4}235959$/);

    const refused = await c.send(checkout('T-REF', 'P-1'));
    expect(refused.response).toMatchObject({
      code: '12',
      fixed: { ok: '0' },
      fields: { dueDate: '', screenMessage: ['This item cannot be borrowed'] },
    });

    await c.send(checkout('T-2', 'P-1'));
    const info = await c.send(
      createMessage(
        '63',
        { language: '001', transactionDate: now(), summary: '  Y       ' },
        { institutionId: KSL, patronIdentifier: 'P-1', patronPassword: PIN },
      ),
    );
    expect(info.response).toMatchObject({
      code: '64',
      fixed: { chargedItemsCount: '0002', overdueItemsCount: '0000' },
    });
    expect(info.response.fields.chargedItems?.sort()).toEqual(['T-1', 'T-2']);

    const item = await c.send(
      createMessage('17', { transactionDate: now() }, { institutionId: KSL, itemIdentifier: 'T-1' }),
    );
    expect(item.response).toMatchObject({
      code: '18',
      fixed: { circulationStatus: '04' },
      fields: { titleIdentifier: '红楼梦', owner: KSL, permanentLocation: 'KSL-MAIN', callNumber: 'I242.4' },
    });
    expect(item.response.fields.dueDate).toBe(out.response.fields.dueDate);
    const unknownItem = await c.send(
      createMessage('17', { transactionDate: now() }, { institutionId: KSL, itemIdentifier: 'NOPE' }),
    );
    expect(unknownItem.response).toMatchObject({ fixed: { circulationStatus: '01' }, fields: { titleIdentifier: '' } });

    const renew = await c.send(
      createMessage(
        '29',
        { thirdPartyAllowed: 'N', noBlock: 'N', transactionDate: now(), nbDueDate: SIP2_BLANK_DATE },
        { institutionId: KSL, patronIdentifier: 'P-1', itemIdentifier: 'T-1', patronPassword: PIN },
      ),
    );
    expect(renew.response).toMatchObject({
      code: '30',
      fixed: { ok: '1', renewalOk: 'Y' },
      fields: { titleIdentifier: '红楼梦' },
    });
    const all = await c.send(
      createMessage('65', { transactionDate: now() }, { institutionId: KSL, patronIdentifier: 'P-1' }),
    );
    // T-1 already used its one renewal; T-2 renews
    expect(all.response).toMatchObject({
      code: '66',
      fixed: { ok: '1', renewedCount: '0001', unrenewedCount: '0001' },
      fields: { renewedItems: ['T-2'], unrenewedItems: ['T-1'] },
    });

    const back = await c.send(checkin('T-1'));
    expect(back.response).toMatchObject({
      code: '10',
      fixed: { ok: '1', resensitize: 'Y', alert: 'N' },
      fields: { permanentLocation: 'KSL-MAIN', titleIdentifier: '红楼梦' },
    });
    expect((await openLoans('P-1')).map((l) => l.item.barcode)).toEqual(['T-2']);

    const block = await c.send(
      createMessage(
        '01',
        { cardRetained: 'N', transactionDate: now() },
        { institutionId: KSL, blockedCardMessage: 'card misuse', patronIdentifier: 'P-1', terminalPassword: '' },
      ),
    );
    expect(block.response).toMatchObject({ code: '24' });
    expect((block.response.fixed as { patronStatus: string }).patronStatus.slice(0, 4)).toBe('YYYY');
    expect((await rpc.request<PatronView>(PatronSubjects.get, { agency: KSL, barcode: 'P-1' })).blocks).toContain(
      'manual',
    );
    const blockedOut = await c.send(checkout('T-1', 'P-1'));
    expect(blockedOut.response.fixed).toMatchObject({ ok: '0' });
    const enable = await c.send(
      createMessage(
        '25',
        { transactionDate: now() },
        { institutionId: KSL, patronIdentifier: 'P-1', patronPassword: PIN },
      ),
    );
    expect(enable.response).toMatchObject({
      code: '26',
      fixed: { patronStatus: ' '.repeat(14) },
      fields: { validPatronPassword: 'Y' },
    });
    expect((await rpc.request<PatronView>(PatronSubjects.get, { agency: KSL, barcode: 'P-1' })).blocks).not.toContain(
      'manual',
    );

    // nothing is owed: the money is not taken
    const fee = await c.send(
      createMessage(
        '37',
        { transactionDate: now(), feeType: '01', paymentType: '00', currencyType: 'CNY' },
        { feeAmount: '1.00', institutionId: KSL, patronIdentifier: 'P-1' },
      ),
    );
    expect(fee.response).toMatchObject({
      code: '38',
      fixed: { paymentAccepted: 'N' },
      fields: { screenMessage: ['No fees are owed; please do not pay'] },
    });
    const hold = await c.send(
      createMessage(
        '15',
        { holdMode: '+', transactionDate: now() },
        { institutionId: KSL, patronIdentifier: 'P-1', itemIdentifier: 'T-1' },
      ),
    );
    // P-1 has T-2, a copy of the same title, on loan: the loans service refuses (holds are placed and found below)
    expect(hold.response).toMatchObject({
      code: '16',
      fixed: { ok: '0', available: 'N' },
      fields: { screenMessage: ['You already have this title on loan'] },
    });
    const unhold = await c.send(
      createMessage(
        '15',
        { holdMode: '-', transactionDate: now() },
        { institutionId: KSL, patronIdentifier: 'P-1', itemIdentifier: 'T-1' },
      ),
    );
    expect(unhold.response).toMatchObject({
      code: '16',
      fixed: { ok: '0' },
      fields: { screenMessage: ['No such hold was found'] },
    });
    const upd = await c.send(
      createMessage(
        '19',
        { transactionDate: now() },
        { institutionId: KSL, itemIdentifier: 'T-1', itemProperties: 'shelf 2' },
      ),
    );
    expect(upd.response).toMatchObject({ code: '20', fixed: { itemPropertiesOk: '0' } });
    const end = await c.send(
      createMessage('35', { transactionDate: now() }, { institutionId: KSL, patronIdentifier: 'P-1' }),
    );
    expect(end.response).toMatchObject({ code: '36', fixed: { endSession: 'Y' } });
  });

  it('GB18030 locker: Chinese title and screen message in GB18030, checksum over GB18030 bytes; checkin away from home alerts', async () => {
    await createItem('G-1');
    const c = await connect({ charset: 'gb18030' });
    expect((await c.login('locker01', 'locker01-secret')).response.fixed).toEqual({ ok: '1' });
    const out = await c.send(checkout('G-1', 'P-1'));
    expect(out.checksum.status).toBe('valid');
    expect(out.responseBytes.includes(Buffer.from('红楼梦', 'utf8'))).toBe(false);
    expect(out.response.fields.titleIdentifier).toBe('红楼梦');
    expect(out.response.fields.screenMessage?.[0]).toMatch(/^借书成功/);
    const back = await c.send(checkin('G-1'));
    // returned at the 24-hour library, the item belongs to KSL-MAIN: transit alert
    expect(back.response).toMatchObject({
      fixed: { ok: '1', alert: 'Y' },
      fields: { permanentLocation: 'KSL-MAIN', sortBin: 'KSL-MAIN', destinationLocation: 'KSL-MAIN', alertType: '04' },
    });
  });

  describe('holds and fines through the loans service', () => {
    const hold = (mode: string, patron: string, item: string, extra: Record<string, string> = {}) =>
      createMessage(
        '15',
        { holdMode: mode, transactionDate: now() },
        { institutionId: KSL, patronIdentifier: patron, itemIdentifier: item, ...extra },
      );
    const patronInfo = (patron: string, summary: string) =>
      createMessage(
        '63',
        { language: '001', transactionDate: now(), summary },
        { institutionId: KSL, patronIdentifier: patron, patronPassword: PIN },
      );
    const itemInfo = (item: string) =>
      createMessage('17', { transactionDate: now() }, { institutionId: KSL, itemIdentifier: item });
    const feePaid = (patron: string, amount: string, extra: Record<string, string> = {}) =>
      createMessage(
        '37',
        { transactionDate: now(), feeType: '01', paymentType: '00', currencyType: 'CNY' },
        { feeAmount: amount, institutionId: KSL, patronIdentifier: patron, ...extra },
      );
    const renew = (patron: string, item: string) =>
      createMessage(
        '29',
        { thirdPartyAllowed: 'N', noBlock: 'N', transactionDate: now(), nbDueDate: SIP2_BLANK_DATE },
        { institutionId: KSL, patronIdentifier: patron, itemIdentifier: item },
      );
    const fixed = (r: { response: { fixed: unknown } }) => r.response.fixed as Record<string, string>;
    /** a logged-in kiosk whose session speaks English (a 23 asking for language 001), so messages compare plainly */
    async function englishKiosk(): Promise<Sip2Client> {
      const c = await kiosk();
      await c.send(
        createMessage(
          '23',
          { language: '001', transactionDate: now() },
          { institutionId: KSL, patronIdentifier: 'P-1', terminalPassword: '', patronPassword: '' },
        ),
      );
      return c;
    }

    it('a hold placed with 15 shows in 64, blocks renewal, is trapped by a 09 checkin (alert, CV 01), shows 08 in 18 and is picked up', async () => {
      await createItem('H-1');
      await createPatron('P-HOLDER');
      await createPatron('P-READER');
      const c = await englishKiosk();
      expect(fixed(await c.send(checkout('H-1', 'P-READER')))).toMatchObject({ ok: '1' });

      const placed = await c.send(hold('+', 'P-HOLDER', 'H-1', { patronPassword: PIN }));
      expect(placed.response).toMatchObject({
        code: '16',
        fixed: { ok: '1', available: 'N' },
        fields: { queuePosition: '1', pickupLocation: 'KSL-MAIN', itemIdentifier: 'H-1', titleIdentifier: '红楼梦' },
      });
      // placing it twice is refused by the loans service
      const twice = await c.send(hold('+', 'P-HOLDER', 'H-1'));
      expect(twice.response).toMatchObject({
        fixed: { ok: '0' },
        fields: { screenMessage: ['You already have a hold on this title'] },
      });

      const waiting = await c.send(patronInfo('P-HOLDER', '     Y    '));
      expect(waiting.response).toMatchObject({
        code: '64',
        fixed: { holdItemsCount: '0000', unavailableHoldsCount: '0001' },
        fields: { unavailableHoldItems: ['H-1'] },
      });
      expect(await c.send(itemInfo('H-1'))).toMatchObject({
        response: { fixed: { circulationStatus: '04' }, fields: { holdQueueLength: '1' } },
      });

      const refusedRenewal = await c.send(renew('P-READER', 'H-1'));
      expect(refusedRenewal.response).toMatchObject({
        code: '30',
        fixed: { ok: '0' },
        fields: { screenMessage: ['Another patron is waiting for this item; it cannot be renewed'] },
      });

      const back = await c.send(checkin('H-1'));
      expect(back.response).toMatchObject({
        code: '10',
        fixed: { ok: '1', alert: 'Y' },
        fields: {
          alertType: '01',
          sortBin: 'HOLDS',
          destinationLocation: 'KSL-MAIN',
          holdPatronId: 'P-HOLDER',
          permanentLocation: 'KSL-MAIN',
        },
      });
      expect(back.response.fields.screenMessage).toContain('On hold: please put it on the hold shelf');

      const onShelf = await c.send(itemInfo('H-1'));
      expect(onShelf.response).toMatchObject({ fixed: { circulationStatus: '08' }, fields: { holdQueueLength: '1' } });
      expect(onShelf.response.fields.holdPickupDate).toMatch(/^\d{8} {4}235959$/);
      const ready = await c.send(patronInfo('P-HOLDER', 'Y         '));
      expect(ready.response).toMatchObject({
        fixed: { holdItemsCount: '0001', unavailableHoldsCount: '0000' },
        fields: { holdItems: ['H-1'] },
      });

      const notYours = await c.send(checkout('H-1', 'P-READER'));
      expect(notYours.response).toMatchObject({
        fixed: { ok: '0' },
        fields: { screenMessage: ['This item is on hold for another patron'] },
      });
      expect(fixed(await c.send(checkout('H-1', 'P-HOLDER', { patronPassword: PIN })))).toMatchObject({ ok: '1' });
      const done = await c.send(patronInfo('P-HOLDER', '          '));
      expect(done.response.fixed).toMatchObject({
        holdItemsCount: '0000',
        unavailableHoldsCount: '0000',
        chargedItemsCount: '0001',
      });
    });

    it('a hold for another branch (BS) is trapped for transit: CV 02, sort bin and destination = pickup branch', async () => {
      await createItem('H-2');
      await createPatron('P-ZS');
      const c = await englishKiosk();
      const placed = await c.send(hold('+', 'P-ZS', 'H-2', { pickupLocation: 'KSL-ZS' }));
      expect(placed.response).toMatchObject({ fixed: { ok: '1' }, fields: { pickupLocation: 'KSL-ZS' } });
      // an item on the open shelf, pulled for the hold and checked in: it travels to KSL-ZS
      const back = await c.send(checkin('H-2'));
      expect(back.response).toMatchObject({
        fixed: { alert: 'Y' },
        fields: { alertType: '02', sortBin: 'KSL-ZS', destinationLocation: 'KSL-ZS', holdPatronId: 'P-ZS' },
      });
      expect(fixed(await c.send(itemInfo('H-2')))).toMatchObject({ circulationStatus: '10' });
      // a 24-hour library is no pickup location
      await createItem('H-3');
      const refused = await c.send(hold('+', 'P-ZS', 'H-3', { pickupLocation: 'KSL-24H-SLGY' }));
      expect(refused.response).toMatchObject({
        fixed: { ok: '0' },
        fields: { screenMessage: ['Holds cannot be collected here; please choose a branch or a locker'] },
      });
    });

    it('an overdue return charges a fine that 64 lists (AV, BV) and blocks; a 37 pays it (38 Y) and the block lifts', async () => {
      // items owned by KSL-ZS: 100 fen a day, the fines block from 500 fen
      await rpc.request(LoanRuleSubjects.upsert, {
        id: 'sip2-zs-fines',
        scope: 'KSL-ZS',
        patronType: '*',
        itemType: '*',
        loanDays: 30,
        renewalDays: 30,
        maxRenewals: 1,
        maxItems: 20,
        finePerDayFen: 100,
        fineBlockThresholdFen: 500,
      });
      await createItem('FINE-1', { homeBranch: 'KSL-ZS' });
      await createItem('FINE-2', { homeBranch: 'KSL-ZS' });
      await createPatron('P-OWES');
      const c = await englishKiosk();
      expect(fixed(await c.send(checkout('FINE-1', 'P-OWES')))).toMatchObject({ ok: '1' });
      // six days late (KSL-MAIN has no calendar: every day counts)
      const due = new Date(Date.now() - 6 * 86_400_000).toLocaleDateString('en-CA', { timeZone: TZ });
      await db.query(
        `UPDATE loans.loans SET due_date = $2::date, due_at = (($2::date + 1)::timestamp AT TIME ZONE '${TZ}') - interval '1 second',
           checked_out_at = (($2::date + 1)::timestamp AT TIME ZONE '${TZ}') - interval '30 days'
         WHERE item_barcode = $1 AND returned_at IS NULL`,
        ['FINE-1', due],
      );
      const back = await c.send(checkin('FINE-1'));
      expect(back.response.fields.screenMessage).toContain('Overdue fine: 6.00 CNY');
      await eventually(async () =>
        (await rpc.request<PatronView>(PatronSubjects.get, { agency: KSL, barcode: 'P-OWES' })).blocks.includes(
          'fines',
        ),
      );

      const owed = await c.send(patronInfo('P-OWES', '   Y      '));
      const [fine] = (await rpc.request<FinesPage>(FineSubjects.list, { patron: { agency: KSL, barcode: 'P-OWES' } }))
        .items;
      expect(owed.response).toMatchObject({
        code: '64',
        fixed: { fineItemsCount: '0001' },
        fields: {
          fineItems: [`${fine.id} 6.00 overdue fine FINE-1 红楼梦`],
          currencyType: 'CNY',
          feeAmount: '6.00',
          screenMessage: ['You have unpaid fines; please pay them first'],
        },
      });
      expect(fixed(owed).patronStatus.charAt(10)).toBe('Y');
      const status = await c.send(
        createMessage(
          '23',
          { language: '001', transactionDate: now() },
          { institutionId: KSL, patronIdentifier: 'P-OWES', terminalPassword: '', patronPassword: '' },
        ),
      );
      expect(status.response.fields).toMatchObject({ feeAmount: '6.00', currencyType: 'CNY' });
      const blocked = await c.send(checkout('FINE-2', 'P-OWES'));
      expect(blocked.response).toMatchObject({
        fixed: { ok: '0' },
        fields: { screenMessage: ['You owe 6.00 CNY in fines; please pay them first'] },
      });

      expect((await c.send(feePaid('P-OWES', '7.00'))).response).toMatchObject({
        fixed: { paymentAccepted: 'N' },
        fields: { screenMessage: ['The amount is more than what is owed (6.00 CNY)'] },
      });
      const part = await c.send(feePaid('P-OWES', '2.00', { transactionId: 'KIOSK-0001' }));
      expect(part.response).toMatchObject({
        code: '38',
        fixed: { paymentAccepted: 'Y' },
        fields: { transactionId: 'KIOSK-0001', screenMessage: ['Paid 2.00 CNY; 4.00 CNY still owed'] },
      });
      // the same BK on another connection is recorded once
      const other = await kiosk();
      expect(fixed(await other.send(feePaid('P-OWES', '2.00', { transactionId: 'KIOSK-0001' })))).toMatchObject({
        paymentAccepted: 'Y',
      });
      expect(
        (await rpc.request<FinesPage>(FineSubjects.list, { patron: { agency: KSL, barcode: 'P-OWES' } }))
          .outstandingFen,
      ).toBe(400);
      // 400 < 500: the loans service lifted the block
      expect(
        (await rpc.request<PatronView>(PatronSubjects.get, { agency: KSL, barcode: 'P-OWES' })).blocks,
      ).not.toContain('fines');
      const rest = await c.send(feePaid('P-OWES', '4.00', { transactionId: 'KIOSK-0002', feeIdentifier: fine.id }));
      expect(rest.response).toMatchObject({
        fixed: { paymentAccepted: 'Y' },
        fields: { screenMessage: ['Paid 4.00 CNY; nothing is owed now'] },
      });
      const { rows } = await db.query(
        `SELECT amount_fen, payment_type, transaction_id, channel FROM loans.fine_transactions WHERE patron_barcode = 'P-OWES' ORDER BY amount_fen`,
      );
      expect(rows).toEqual([
        { amount_fen: 200, payment_type: 'cash', transaction_id: 'KIOSK-0001', channel: 'sip2' },
        { amount_fen: 400, payment_type: 'cash', transaction_id: 'KIOSK-0002', channel: 'sip2' },
      ]);
      const cleared = await c.send(patronInfo('P-OWES', '   Y      '));
      expect(cleared.response.fixed).toMatchObject({ fineItemsCount: '0000', patronStatus: ' '.repeat(14) });
      expect(cleared.response.fields.feeAmount).toBeUndefined();
      expect(fixed(await c.send(checkout('FINE-2', 'P-OWES')))).toMatchObject({ ok: '1' });
    });
  });

  it('a retransmitted checkout (same AY and AZ) gets the cached answer and creates exactly one loan', async () => {
    await createItem('R-1');
    await createPatron('P-RETRY');
    const c = await kiosk();
    const first = await c.send(checkout('R-1', 'P-RETRY'));
    expect(first.response.fixed).toMatchObject({ ok: '1' });
    const replay = await c.sendRaw(first.requestBytes);
    expect(replay.equals(first.responseBytes)).toBe(true);
    expect(await openLoans('P-RETRY')).toHaveLength(1);
    // 97: the last response again, without AY, with a fresh checksum
    const resent = await c.sendRaw('97AZFEF5');
    expect(verifyChecksum(resent).status).toBe('valid');
    expect(resent.toString('utf8')).not.toMatch(/AY\d/);
    expect(parseMessage(decodeText(resent, 'utf-8')).code).toBe('12');
  });

  it('20 concurrent connections checking out the same item: exactly one 121 and nineteen 120', async () => {
    await createItem('HOT-1');
    const patrons = Array.from({ length: 20 }, (_, i) => `P-C${String(i).padStart(2, '0')}`);
    await Promise.all(patrons.map((p) => createPatron(p)));
    const kiosks = await Promise.all(patrons.map(() => kiosk()));
    const answers = await Promise.all(kiosks.map((c, i) => c.send(checkout('HOT-1', patrons[i]))));
    const oks = answers.map((a) => (a.response.fixed as { ok: string }).ok);
    expect(oks.filter((o) => o === '1')).toHaveLength(1);
    expect(oks.filter((o) => o === '0')).toHaveLength(19);
    const refusedMessages = answers
      .filter((a) => (a.response.fixed as { ok: string }).ok === '0')
      .map((a) => a.response.fields.screenMessage?.[0]);
    expect(new Set(refusedMessages)).toEqual(new Set(['该书已被借出 / This item is already on loan']));
    await Promise.all(kiosks.map((c) => c.close()));
  });

  it('garbage, oversized frames and bad checksums get 96 and the service keeps answering', async () => {
    const c = await kiosk();
    expect((await c.sendRaw('9900401.00AY1AZAAAA')).toString()).toBe('96AZFEF6');
    expect((await c.sendRaw(Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x0d]))).toString()).toBe('96AZFEF6');
    expect((await c.sendRaw('17' + 'X'.repeat(20_000))).toString()).toBe('96AZFEF6');
    expect((await c.scStatus()).response.code).toBe('98');
    const other = await kiosk({ tls: true });
    expect((await other.scStatus()).response.code).toBe('98');
    // a peer that never logs in is refused with the negative response
    const anon = await connect();
    const r = await anon.sendRaw('1720261125    100000AOCN-320583-1-KSL|ABT-1|');
    expect(stripTerminator(r).toString()).toMatch(/^1801/);
  });

  it('reassembles frames split across TCP writes, accepts CRLF, and a stalled client never delays others', async () => {
    const raw = net.connect({ host: '127.0.0.1', port: tcpPort });
    await new Promise((r) => raw.once('connect', r));
    const received: Buffer[] = [];
    raw.on('data', (d: Buffer) => received.push(d));
    const login = '9300CNkiosk01|COkiosk01-secret|CPKSL-MAIN|AY0AZ';
    const frame = `${login}${checksumOfBytes(Buffer.from(login))}\r\n`;
    for (const part of [frame.slice(0, 5), frame.slice(5, 20), frame.slice(20)]) {
      raw.write(part);
      await new Promise((r) => setTimeout(r, 20));
    }
    await eventually(async () => Buffer.concat(received).includes(Buffer.from('\r')));
    expect(Buffer.concat(received).toString()).toMatch(/^941AY0AZ[0-9A-F]{4}\r$/);
    // half a frame, never finished: this connection waits, everybody else is served meanwhile
    // (no timing assertion: being answered while the half frame is still pending is the point)
    raw.write('2300120261125    100000AOCN-320583-1-KSL|AAP-');
    const other = await kiosk();
    expect((await other.scStatus()).response.code).toBe('98');
    expect(raw.destroyed).toBe(false);
    raw.destroy();
  });

  it('health reports both listeners; metrics count per message type; a disabled terminal cannot log in', async () => {
    const health = await rpc.request<ServiceHealth>('sip2.health.v1', {});
    expect(health.status).toBe('up');
    expect(health.checks['sip2-tcp'].status).toBe('up');
    expect(health.checks['sip2-tls'].status).toBe('up');
    const metrics = await rpc.request<Sip2MetricsView>(Sip2Subjects.metrics, {});
    const checkoutMetrics = metrics.messages.find((m) => m.code === '11')!;
    expect(checkoutMetrics.count).toBeGreaterThanOrEqual(24);
    expect(checkoutMetrics.histogram.reduce((n, b) => n + b.count, 0)).toBe(checkoutMetrics.count);
    expect(metrics.frames.checksumErrors).toBeGreaterThanOrEqual(1);
    expect(metrics.frames.replayed).toBeGreaterThanOrEqual(1);
    expect(metrics.logins.failed).toBeGreaterThanOrEqual(1);

    await rpc.request(Sip2Subjects.setTerminalEnabled, { login: 'locker01', enabled: false });
    const c = await connect({ charset: 'gb18030' });
    expect((await c.login('locker01', 'locker01-secret')).response.fixed).toEqual({ ok: '0' });
    await rpc.request(Sip2Subjects.setTerminalEnabled, { login: 'locker01', enabled: true });
    await eventually(
      async () => ((await c.login('locker01', 'locker01-secret')).response.fixed as { ok: string }).ok === '1',
    );
  });

  it('counts connections logged in now per terminal login (snapshot and sip2_terminal_connected); a closed one leaves', async () => {
    const now = async () => {
      const snapshot = (await rpc.request<Sip2MetricsView>(Sip2Subjects.metrics, {})).connectedByTerminal.kiosk01 ?? 0;
      const line = (await metricsExposition()).body
        .split('\n')
        .find((l) => l.startsWith('sip2_terminal_connected{terminal="kiosk01"}'));
      return { snapshot, gauge: line ? Number(line.split(' ').pop()) : 0 };
    };
    const before = await now();
    expect(before.gauge).toBe(before.snapshot);
    const a = await kiosk();
    const b = await kiosk();
    // a connection that has not logged in is open but counts for no terminal
    await connect();
    expect(await now()).toEqual({ snapshot: before.snapshot + 2, gauge: before.snapshot + 2 });
    await a.close();
    await eventually(async () => (await now()).snapshot === before.snapshot + 1);
    expect(await now()).toEqual({ snapshot: before.snapshot + 1, gauge: before.snapshot + 1 });
    await b.close();
  });
});
