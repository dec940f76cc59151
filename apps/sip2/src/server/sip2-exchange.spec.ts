import { ErrorCode } from '@app/contracts';
import {
  checksumOfBytes,
  createMessage,
  encodeMessage,
  REQUEST_SC_RESEND,
  SIP2_BLANK_DATE,
  verifyChecksum,
} from '@app/sip2-protocol';
import { fakeItem, fakePatron } from '../testing/fake-circulation.backend';
import { DATE, ExchangeHarness, terminal } from '../testing/sip2-exchange.harness';
import { MAX_REFUSED_BEFORE_LOGIN } from './sip2-exchange';

const KSL = 'CN-320583-1-KSL';

function harness(): ExchangeHarness {
  const h = new ExchangeHarness();
  h.accounts.add(terminal(), 'kiosk01-secret');
  h.backend
    .addPatron(fakePatron())
    .addItem(fakeItem())
    .addItem(fakeItem({ barcode: 'B2', title: 'Ref', loanable: false, itemType: 'reference' }));
  return h;
}

const checkout = (item = 'B1', patron = 'P1', extra: Record<string, string> = {}) =>
  createMessage(
    '11',
    { scRenewalPolicy: 'N', noBlock: 'N', transactionDate: DATE, nbDueDate: SIP2_BLANK_DATE },
    {
      institutionId: KSL,
      patronIdentifier: patron,
      itemIdentifier: item,
      terminalPassword: '',
      ...extra,
    },
  );

describe('Sip2Exchange: session rules', () => {
  it('answers a failed 93 with 940, keeps the session open, then accepts the right password', async () => {
    const h = harness();
    const bad = await h.raw(
      h.encode(
        createMessage(
          '93',
          { uidAlgorithm: '0', pwdAlgorithm: '0' },
          { loginUserId: 'kiosk01', loginPassword: 'nope' },
        ),
      ),
    );
    expect(bad.close).toBeUndefined();
    expect(h.decode(bad)).toMatchObject({ code: '94', fixed: { ok: '0' } });
    expect(await h.login()).toMatchObject({ code: '94', fixed: { ok: '1' } });
    expect(h.session.loggedIn).toBe(true);
    expect(h.metrics.logins).toEqual({ ok: 1, failed: 1, throttled: 0 });
  });

  it('refuses a disabled terminal and unsupported password algorithms', async () => {
    const h = harness();
    h.accounts.add(terminal({ login: 'off', enabled: false }), 'pw');
    expect((await h.login('off', 'pw')).fixed).toEqual({ ok: '0' });
    const enc = await h.send(
      createMessage(
        '93',
        { uidAlgorithm: '1', pwdAlgorithm: '1' },
        { loginUserId: 'kiosk01', loginPassword: 'kiosk01-secret' },
      ),
    );
    expect(enc.fixed).toEqual({ ok: '0' });
  });

  it('never walls off an address: after many wrong passwords from it, a kiosk with the right one logs in (issue 14)', async () => {
    const h = harness();
    for (let i = 0; i < 8; i++) await h.login('kiosk01', 'wrong');
    expect(h.gate.state('kiosk01')).toEqual({
      loginFailuresLastMinute: 8,
      lastLoginFailureFrom: h.session.remoteAddress,
    });
    expect((await h.login()).fixed).toEqual({ ok: '1' });
    expect(h.metrics.logins).toMatchObject({ ok: 1, failed: 8, throttled: 0 });
    h.gate.clear('kiosk01');
    expect(h.gate.state('kiosk01').loginFailuresLastMinute).toBe(0);
  });

  it('answers requests before login with the negative response and closes after repeated attempts', async () => {
    const h = harness();
    const first = await h.send(checkout());
    expect(first).toMatchObject({ code: '12', fixed: { ok: '0' } });
    expect(first.fields.screenMessage?.[0]).toContain('Terminal is not logged in');
    expect(h.backend.calls).toEqual([]);
    const item = await h.send(
      createMessage('17', { transactionDate: DATE }, { institutionId: KSL, itemIdentifier: 'B1' }),
    );
    expect(item).toMatchObject({ code: '18', fixed: { circulationStatus: '01' } });
    let out;
    for (let i = 2; i < MAX_REFUSED_BEFORE_LOGIN; i++) out = await h.raw(h.encode(checkout()));
    expect(out!.close).toBe('too many messages before login');
  });

  it('answers 99 before 93 only when an account allows it (as that terminal)', async () => {
    const h = harness();
    const sc = createMessage('99', { statusCode: '0', maxPrintWidth: '040', protocolVersion: '2.00' });
    expect(await h.send(sc)).toMatchObject({ code: '98', fixed: { onlineStatus: 'N' } });
    h.accounts.add(terminal({ login: 'relais', allowScStatusBeforeLogin: true, location: 'KSL-24H' }), 'pw');
    const ok = await h.send(sc);
    expect(ok).toMatchObject({
      code: '98',
      fixed: { onlineStatus: 'Y', checkinOk: 'Y', checkoutOk: 'Y', protocolVersion: '2.00' },
    });
    expect(ok.fields).toMatchObject({
      institutionId: KSL,
      terminalLocation: 'KSL-24H',
      supportedMessages: 'YYYYYYYYYYYYYYYY',
      libraryName: '昆山市图书馆',
    });
  });

  it('98 after login: date in the library time zone, AO, AM, AN, BX all Y', async () => {
    const h = harness();
    await h.login();
    const r = await h.send(createMessage('99', { statusCode: '0', maxPrintWidth: '040', protocolVersion: '2.00' }));
    expect(r.fixed).toMatchObject({ dateTimeSync: '20261125    100000', timeoutPeriod: '050', onlineStatus: 'Y' });
    expect(r.fields).toMatchObject({
      institutionId: KSL,
      terminalLocation: 'KSL-MAIN',
      supportedMessages: 'Y'.repeat(16),
    });
  });

  it('ends the session of a terminal disabled meanwhile', async () => {
    const h = harness();
    await h.login();
    h.accounts.add(terminal({ enabled: false }), 'kiosk01-secret');
    const out = await h.raw(h.encode(checkout()));
    expect(out).toEqual({ close: 'terminal disabled' });
  });
});

describe('Sip2Exchange: error detection', () => {
  it('answers a bad checksum with exactly 96AZFEF6 and does not execute', async () => {
    const h = harness();
    await h.login();
    const good = h.encode(checkout());
    const bad = Buffer.from(good.toString('latin1').replace(/AZ[0-9A-F]{4}\r$/, 'AZAAAA\r'), 'latin1');
    const out = await h.raw(bad);
    expect(out.bytes!.toString('latin1')).toBe(REQUEST_SC_RESEND + '\r');
    expect(h.backend.calls).not.toContain('checkout');
    expect(h.metrics.frames.checksumErrors).toBe(1);
  });

  it('echoes AY and computes AZ over the encoded response bytes', async () => {
    const h = harness();
    h.seq = 7;
    const out = await h.raw(
      h.encode(
        createMessage(
          '93',
          { uidAlgorithm: '0', pwdAlgorithm: '0' },
          { loginUserId: 'kiosk01', loginPassword: 'kiosk01-secret' },
        ),
      ),
    );
    expect(out.bytes!.toString('latin1')).toBe(`941AY7AZ${checksumOfBytes(Buffer.from('941AY7AZ'))}\r`);
  });

  it('answers without AY/AZ when the request had none (auto mode)', async () => {
    const h = harness();
    const out = await h.raw(
      h.encode(
        createMessage(
          '93',
          { uidAlgorithm: '0', pwdAlgorithm: '0' },
          { loginUserId: 'kiosk01', loginPassword: 'kiosk01-secret' },
        ),
        false,
      ),
    );
    expect(out.bytes!.toString('latin1')).toBe('941\r');
  });

  it("'required' mode answers 96 to a message without a checksum", async () => {
    const h = harness();
    h.accounts.add(terminal({ errorDetection: 'required' }), 'kiosk01-secret');
    await h.login();
    const out = await h.raw(h.encode(checkout(), false));
    expect(out.bytes!.toString('latin1')).toBe('96AZFEF6\r');
    expect(h.backend.calls).not.toContain('checkout');
  });

  it('97 resends the last response without AY and with a fresh checksum; 96 when nothing was sent', async () => {
    const h = harness();
    expect((await h.raw(Buffer.from('97AZFEF5\r'))).bytes!.toString('latin1')).toBe('96AZFEF6\r');
    await h.login();
    const resent = (await h.raw(Buffer.from('97AZFEF5\r'))).bytes!.toString('latin1');
    expect(resent).toBe('941AZFDFD\r'.replace('FDFD', checksumOfBytes(Buffer.from('941AZ'))));
    expect(verifyChecksum(Buffer.from(resent.trimEnd())).status).toBe('valid');
  });

  it('replays the cached response to a retransmitted checkout and never checks out twice', async () => {
    const h = harness();
    await h.login();
    const req = h.encode(checkout());
    const first = await h.raw(req);
    const again = await h.raw(req);
    expect(again.bytes).toEqual(first.bytes);
    expect(h.backend.calls.filter((c) => c === 'checkout')).toHaveLength(1);
    expect(h.metrics.frames.replayed).toBe(1);
    // a new AY with the same transaction date is the same transaction (a retry after a reconnect): its
    // idempotency key gets the first answer from the loans service, not "already on loan"
    const retried = await h.send(checkout());
    expect(retried.fixed).toMatchObject({ ok: '1' });
    expect(retried.fields.dueDate).toBe(h.decode(first).fields.dueDate);
    expect(h.backend.lastWrite?.idempotencyKey).toBe('sip2:kiosk01:11:20261125____100000:CN-320583-1-KSL:P1:B1');
    // another transaction date is another transaction (refused: already on loan)
    const other = createMessage(
      '11',
      { scRenewalPolicy: 'N', noBlock: 'N', transactionDate: '20261125    100500', nbDueDate: SIP2_BLANK_DATE },
      {
        institutionId: KSL,
        patronIdentifier: 'P1',
        itemIdentifier: 'B1',
        terminalPassword: '',
      },
    );
    expect((await h.send(other)).fixed).toMatchObject({ ok: '0' });
    expect(h.backend.calls.filter((c) => c === 'checkout')).toHaveLength(3);
  });

  it('a new transaction that builds an old key (out, in, out again within one second) is carried out, not answered from the first', async () => {
    const h = harness();
    await h.login();
    const checkinB1 = createMessage(
      '09',
      { noBlock: 'N', transactionDate: '20261125    100000', returnDate: '20261125    100000' },
      { currentLocation: 'KSL-MAIN', institutionId: KSL, itemIdentifier: 'B1', terminalPassword: '' },
    );
    expect((await h.send(checkout())).fixed).toMatchObject({ ok: '1' });
    const firstKey = h.backend.lastWrite?.idempotencyKey;
    expect((await h.send(checkinB1)).fixed).toMatchObject({ ok: '1' });
    // the same terminal, date, patron and copy: the key of the first checkout, but the copy has moved on
    expect((await h.send(checkout())).fixed).toMatchObject({ ok: '1' });
    const secondKey = h.backend.lastWrite?.idempotencyKey;
    expect(secondKey).not.toBe(firstKey);
    expect(secondKey?.startsWith(`${firstKey}#`)).toBe(true);
    expect(await h.backend.itemLoan({ agency: KSL, barcode: 'B1' })).not.toBeNull(); // really on loan again
    // its own retransmission (after a reconnect: another AY) is sent with its own key and gets its answer
    h.newConnection();
    await h.login();
    expect((await h.send(checkout())).fixed).toMatchObject({ ok: '1' });
    expect(h.backend.lastWrite?.idempotencyKey).toBe(secondKey);
    // and the second checkin within that second returns the copy for real
    expect((await h.send(checkinB1)).fixed).toMatchObject({ ok: '1' });
    expect(await h.backend.itemLoan({ agency: KSL, barcode: 'B1' })).toBeNull();
  });

  it('answers garbage with 96 and hangs up after too many unusable frames in a row', async () => {
    const h = harness();
    await h.login();
    expect((await h.raw(Buffer.from('hello world\r'))).bytes!.toString()).toBe('96AZFEF6\r');
    expect((await h.raw(Buffer.from('12 not a request\r'))).bytes!.toString()).toBe('96AZFEF6\r');
    let out;
    for (let i = 0; i < 10; i++) out = await h.raw(Buffer.from('\x01\x02garbage\r'));
    expect(out!.close).toBe('too many unusable frames');
  });

  it('speaks GB18030 on the wire for a GB18030 terminal (checksum over GB18030 bytes)', async () => {
    const h = harness();
    h.accounts.add(terminal({ login: 'locker01', charset: 'gb18030', location: 'KSL-24H-SLGY' }), 'locker01-secret');
    h.client.charset = 'gb18030';
    await h.login('locker01', 'locker01-secret');
    const out = await h.raw(
      h.encode(createMessage('17', { transactionDate: DATE }, { institutionId: KSL, itemIdentifier: 'B1' })),
    );
    const frame = out.bytes!.subarray(0, -1);
    expect(verifyChecksum(frame).status).toBe('valid');
    expect(frame.includes(Buffer.from('水浒传', 'utf8'))).toBe(false);
    expect(h.decode(out).fields.titleIdentifier).toBe('水浒传');
  });

  it('accepts a 93 that uses another field delimiter and then speaks the terminal delimiter', async () => {
    const h = harness();
    h.accounts.add(terminal({ login: 'caret', delimiter: '^' }), 'pw1234');
    h.client.delimiter = '^';
    expect((await h.login('caret', 'pw1234')).fixed).toEqual({ ok: '1' });
    const r = await h.send(
      createMessage('17', { transactionDate: DATE }, { institutionId: KSL, itemIdentifier: 'B1' }),
    );
    expect(r.fields.titleIdentifier).toBe('水浒传');
  });
});

describe('Sip2 handlers', () => {
  async function loggedIn(): Promise<ExchangeHarness> {
    const h = harness();
    await h.login();
    return h;
  }

  it('11 checkout: 121 with title, 18-char local due date, media type, desensitize Y', async () => {
    const h = await loggedIn();
    const r = await h.send(checkout('B1', 'P1', { patronPassword: '1234' }));
    expect(r).toMatchObject({ code: '12', fixed: { ok: '1', renewalOk: 'N', magneticMedia: 'N', desensitize: 'Y' } });
    expect(r.fields).toMatchObject({
      titleIdentifier: '水浒传',
      dueDate: '20261225    235959',
      mediaType: '001',
      validPatronPassword: 'Y',
      institutionId: KSL,
    });
    expect(r.fields.screenMessage?.[0]).toContain('2026-12-25');
  });

  it('11 checkout refused: 120, empty AH, AF naming the loans error in Chinese and English', async () => {
    const h = await loggedIn();
    const r = await h.send(checkout('B2'));
    expect(r).toMatchObject({
      code: '12',
      fixed: { ok: '0', desensitize: 'N', magneticMedia: 'U' },
      fields: { dueDate: '', titleIdentifier: '' },
    });
    expect(r.fields.screenMessage).toEqual(['该书不可外借 / This item cannot be borrowed']);
    const pin = await h.send(checkout('B1', 'P1', { patronPassword: '0000' }));
    expect(pin.fields).toMatchObject({ validPatronPassword: 'N', screenMessage: ['密码错误 / Wrong PIN'] });
  });

  it('11 checkout when loans does not answer: 120 with "temporarily unavailable", counted as an error', async () => {
    const h = await loggedIn();
    h.backend.failWith = ErrorCode.Timeout;
    const r = await h.send(checkout());
    expect(r.fixed).toMatchObject({ ok: '0' });
    expect(r.fields.screenMessage?.[0]).toContain('temporarily unavailable');
    expect(h.metrics.snapshot().messages.find((m) => m.code === '11')).toMatchObject({ count: 1, errors: 1 });
  });

  it('walls off only the guessed card at this terminal: the next reader at the same kiosk gets in (issue 14)', async () => {
    const h = await loggedIn();
    h.backend.addPatron(fakePatron({ barcode: 'P2' }), '5678');
    for (let i = 0; i < 5; i++) await h.send(checkout('B1', 'P1', { patronPassword: '9999' }));
    const before = h.backend.calls.length;
    const r = await h.send(checkout('B1', 'P1', { patronPassword: '1234' }));
    expect(r.fields.screenMessage?.[0]).toContain('Too many wrong PINs');
    expect(h.backend.calls.length).toBe(before);
    const st = await h.send(
      createMessage(
        '23',
        { language: '001', transactionDate: DATE },
        { institutionId: KSL, patronIdentifier: 'P1', terminalPassword: '', patronPassword: '1234' },
      ),
    );
    expect(st.fields.validPatronPassword).toBe('N');
    expect(h.backend.calls).not.toContain('verifyPin');
    // another reader at the same kiosk, right after: checked and accepted
    const other = await h.send(
      createMessage(
        '23',
        { language: '001', transactionDate: DATE },
        { institutionId: KSL, patronIdentifier: 'P2', terminalPassword: '', patronPassword: '5678' },
      ),
    );
    expect(other.fields.validPatronPassword).toBe('Y');
  });

  it('wrong PINs spread over many cards slow the terminal down but never refuse a correct PIN (issue 14)', async () => {
    const h = await loggedIn();
    for (let i = 0; i < 12; i++) h.backend.addPatron(fakePatron({ barcode: `Q${i}` }), '0000');
    for (let i = 0; i < 12; i++) {
      const r = await h.send(
        createMessage(
          '23',
          { language: '001', transactionDate: DATE },
          { institutionId: KSL, patronIdentifier: `Q${i}`, terminalPassword: '', patronPassword: '9999' },
        ),
      );
      expect(r.fields.validPatronPassword).toBe('N');
    }
    expect(h.pins.state('kiosk01')).toMatchObject({ pinFailuresLastMinute: 12, throttledCards: 0 });
    const ok = await h.send(
      createMessage(
        '23',
        { language: '001', transactionDate: DATE },
        { institutionId: KSL, patronIdentifier: 'P1', terminalPassword: '', patronPassword: '1234' },
      ),
    );
    expect(ok.fields.validPatronPassword).toBe('Y');
    h.pins.clear('kiosk01');
    expect(h.pins.state('kiosk01').pinFailuresLastMinute).toBe(0);
  });

  it('23 patron status: name, BL, CQ only with AD, blocked flags', async () => {
    const h = await loggedIn();
    const ps = (patron: string, pin?: string) =>
      createMessage(
        '23',
        { language: '019', transactionDate: DATE },
        {
          institutionId: KSL,
          patronIdentifier: patron,
          terminalPassword: '',
          ...(pin !== undefined ? { patronPassword: pin } : {}),
        },
      );
    const ok = await h.send(ps('P1', '1234'));
    expect(ok).toMatchObject({
      code: '24',
      fixed: { patronStatus: ' '.repeat(14), language: '019' },
      fields: { personalName: '张三', validPatron: 'Y', validPatronPassword: 'Y' },
    });
    const noPin = await h.send(ps('P1'));
    expect(noPin.fields.validPatronPassword).toBeUndefined();
    const unknown = await h.send(ps('NOPE'));
    expect(unknown).toMatchObject({
      fixed: { patronStatus: 'YYYY' + ' '.repeat(10) },
      fields: { validPatron: 'N', personalName: '', screenMessage: ['读者证号无效'] },
    });
    h.backend.addPatron(fakePatron({ barcode: 'P2', blocks: ['card_lost'], circulationBlocked: true }));
    const lost = await h.send(ps('P2'));
    expect((lost.fixed as { patronStatus: string }).patronStatus).toBe('YYYYY' + ' '.repeat(9));
    expect(lost.fields.screenMessage).toEqual(['该读者证已挂失']);
  });

  it('63 patron information: counts in the fixed part, the requested list with BP/BQ range', async () => {
    const h = await loggedIn();
    for (const b of ['C1', 'C2', 'C3']) {
      h.backend.addItem(fakeItem({ barcode: b }));
      await h.send(checkout(b));
    }
    const pi = (summary: string, extra: Record<string, string> = {}) =>
      createMessage(
        '63',
        { language: '001', transactionDate: DATE, summary },
        { institutionId: KSL, patronIdentifier: 'P1', patronPassword: '1234', ...extra },
      );
    const r = await h.send(pi('  Y       '));
    expect(r.fixed).toMatchObject({
      chargedItemsCount: '0003',
      overdueItemsCount: '0000',
      holdItemsCount: '0000',
      fineItemsCount: '0000',
      unavailableHoldsCount: '0000',
    });
    expect(r.fields).toMatchObject({
      chargedItems: ['C1', 'C2', 'C3'],
      personalName: '张三',
      validPatronPassword: 'Y',
      emailAddress: 'zs@example.cn',
      permanentLocation: 'KSL-MAIN',
    });
    const ranged = await h.send(pi('  Y       ', { startItem: '2', endItem: '2' }));
    expect(ranged.fields.chargedItems).toEqual(['C2']);
    const none = await h.send(pi('          '));
    expect(none.fields.chargedItems).toBeUndefined();
    expect(h.backend.calls.filter((c) => c === 'openLoans')).toHaveLength(2); // only when a loan list is asked for
  });

  it('09 checkin: AQ home branch, sort bin, alert + CT/CV when the item must travel', async () => {
    const h = await loggedIn();
    await h.send(checkout('B1'));
    const ci = () =>
      createMessage(
        '09',
        { noBlock: 'N', transactionDate: DATE, returnDate: DATE },
        { currentLocation: 'KSL-MAIN', institutionId: KSL, itemIdentifier: 'B1', terminalPassword: '' },
      );
    const r = await h.send(ci());
    expect(r).toMatchObject({
      code: '10',
      fixed: { ok: '1', resensitize: 'Y', alert: 'N' },
      fields: { permanentLocation: 'KSL-MAIN', titleIdentifier: '水浒传', sortBin: 'KSL-MAIN' },
    });
    h.backend.transitTo = 'KSL-ZS';
    const t = await h.send(ci());
    expect(t).toMatchObject({
      fixed: { ok: '1', alert: 'Y' },
      fields: { sortBin: 'KSL-ZS', destinationLocation: 'KSL-ZS', alertType: '04' },
    });
    const unknown = await h.send(
      createMessage(
        '09',
        { noBlock: 'N', transactionDate: DATE, returnDate: DATE },
        { currentLocation: '', institutionId: KSL, itemIdentifier: 'NOPE', terminalPassword: '' },
      ),
    );
    expect(unknown).toMatchObject({
      fixed: { ok: '0', alert: 'Y' },
      fields: { permanentLocation: '', alertType: '99' },
    });
  });

  it('17 item information: status from catalog + loan, due date, owner, locations', async () => {
    const h = await loggedIn();
    const info = () =>
      h.send(createMessage('17', { transactionDate: DATE }, { institutionId: KSL, itemIdentifier: 'B1' }));
    expect((await info()).fixed).toMatchObject({ circulationStatus: '03', securityMarker: '00', feeType: '01' });
    await h.send(checkout('B1'));
    const out = await info();
    expect((out.fixed as { circulationStatus: string }).circulationStatus).toBe('04');
    expect(out.fields).toMatchObject({
      dueDate: '20261225    235959',
      owner: KSL,
      permanentLocation: 'KSL-MAIN',
      currentLocation: 'KSL-MAIN',
      mediaType: '001',
      callNumber: 'I242.4',
    });
    const unknown = await h.send(
      createMessage('17', { transactionDate: DATE }, { institutionId: KSL, itemIdentifier: 'NOPE' }),
    );
    expect(unknown).toMatchObject({
      fixed: { circulationStatus: '01', securityMarker: '01', feeType: '01' },
      fields: { titleIdentifier: '' },
    });
  });

  it('01 block patron sets the manual block and answers 24; 25 patron enable lifts it', async () => {
    const h = await loggedIn();
    const b = await h.send(
      createMessage(
        '01',
        { cardRetained: 'N', transactionDate: DATE },
        { institutionId: KSL, blockedCardMessage: 'too many tries', patronIdentifier: 'P1', terminalPassword: '' },
      ),
    );
    expect(b).toMatchObject({ code: '24', fixed: { patronStatus: 'YYYY' + ' '.repeat(10) } });
    expect(h.backend.patrons.get(`${KSL}/P1`)!.blocks).toEqual(['manual']);
    const e = await h.send(
      createMessage(
        '25',
        { transactionDate: DATE },
        { institutionId: KSL, patronIdentifier: 'P1', patronPassword: '1234' },
      ),
    );
    expect(e).toMatchObject({
      code: '26',
      fixed: { patronStatus: ' '.repeat(14) },
      fields: { validPatron: 'Y', validPatronPassword: 'Y' },
    });
    expect(h.backend.patrons.get(`${KSL}/P1`)!.blocks).toEqual([]);
  });

  it('29 renew and 65 renew all report renewed and unrenewed items', async () => {
    const h = await loggedIn();
    h.backend.addItem(fakeItem({ barcode: 'C1' }));
    await h.send(checkout('B1'));
    await h.send(checkout('C1'));
    const renew = await h.send(
      createMessage(
        '29',
        { thirdPartyAllowed: 'N', noBlock: 'N', transactionDate: DATE, nbDueDate: SIP2_BLANK_DATE },
        { institutionId: KSL, patronIdentifier: 'P1', itemIdentifier: 'B1' },
      ),
    );
    expect(renew).toMatchObject({
      code: '30',
      fixed: { ok: '1', renewalOk: 'Y' },
      fields: { dueDate: '20270124    235959', titleIdentifier: '水浒传' },
    });
    const all = await h.send(
      createMessage('65', { transactionDate: DATE }, { institutionId: KSL, patronIdentifier: 'P1' }),
    );
    expect(all).toMatchObject({
      code: '66',
      fixed: { ok: '1', renewedCount: '0001', unrenewedCount: '0001' },
      fields: { renewedItems: ['C1'], unrenewedItems: ['B1'] },
    });
    const again = await h.send(
      createMessage(
        '29',
        { thirdPartyAllowed: 'N', noBlock: 'N', transactionDate: DATE, nbDueDate: SIP2_BLANK_DATE },
        { institutionId: KSL, patronIdentifier: 'P1', itemIdentifier: 'B1' },
      ),
    );
    expect(again.fields.screenMessage).toEqual(['已达到续借次数上限 / Renewal limit reached']);
  });

  it('35 end session, 19 item status update (not stored)', async () => {
    const h = await loggedIn();
    expect(
      await h.send(createMessage('35', { transactionDate: DATE }, { institutionId: KSL, patronIdentifier: 'P1' })),
    ).toMatchObject({ code: '36', fixed: { endSession: 'Y' } });
    const upd = await h.send(
      createMessage('19', { transactionDate: DATE }, { institutionId: KSL, itemIdentifier: 'B1', itemProperties: 'x' }),
    );
    expect(upd).toMatchObject({ code: '20', fixed: { itemPropertiesOk: '0' }, fields: { titleIdentifier: '水浒传' } });
  });

  it('never writes a PIN or password to the exchange log', async () => {
    const h = harness();
    const lines: string[] = [];
    (h.exchange as unknown as { deps: { logger: unknown } }).deps.logger = {
      info: (o: unknown) => lines.push(JSON.stringify(o)),
      warn: (o: unknown) => lines.push(JSON.stringify(o)),
      error: () => undefined,
    };
    await h.login('kiosk01', 'kiosk01-secret');
    await h.send(checkout('B1', 'P1', { patronPassword: '1234' }));
    expect(lines.join('\n')).not.toMatch(/kiosk01-secret|1234/);
    expect(JSON.parse(lines[1])).toMatchObject({
      event: 'sip2.exchange',
      terminal: 'kiosk01',
      code: '11',
      outcome: 'ok',
    });
  });
});

describe('encoding sanity', () => {
  it('the harness encodes what a kiosk would send', () => {
    const bytes = encodeMessage(
      { ...createMessage('99', { statusCode: '0', maxPrintWidth: ' 40', protocolVersion: '2.00' }), sequence: '1' },
      {},
    );
    expect(bytes.toString('latin1')).toBe('990 402.00AY1AZFCB4\r');
  });
});
