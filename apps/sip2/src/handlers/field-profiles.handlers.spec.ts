import { createMessage, SIP2_BLANK_DATE } from '@app/sip2-protocol';
import { fakeItem, fakePatron } from '../testing/fake-circulation.backend';
import { DATE, ExchangeHarness, terminal } from '../testing/sip2-exchange.harness';
import type { TerminalAccount } from '../services/terminal-account';

const KSL = 'CN-320583-1-KSL';

async function harness(profile: Partial<TerminalAccount> = {}): Promise<ExchangeHarness> {
  const h = new ExchangeHarness();
  h.accounts.add(terminal(profile), 'kiosk01-secret');
  h.backend
    .addPatron(fakePatron())
    .addItem(fakeItem())
    .addItem(fakeItem({ barcode: 'B2', title: '红楼梦' }));
  await h.login();
  return h;
}

const checkin = (item: string, returnDate = DATE, noBlock = 'N') =>
  createMessage(
    '09',
    { noBlock, transactionDate: DATE, returnDate },
    { currentLocation: 'KSL-MAIN', institutionId: KSL, itemIdentifier: item, terminalPassword: '' },
  );
const checkout = (noBlock: 'Y' | 'N', transactionDate = DATE, nbDueDate = SIP2_BLANK_DATE) =>
  createMessage(
    '11',
    { scRenewalPolicy: 'N', noBlock, transactionDate, nbDueDate },
    { institutionId: KSL, patronIdentifier: 'P1', itemIdentifier: 'B1', terminalPassword: '' },
  );
const patronInfo = (language = '001') =>
  createMessage(
    '63',
    { language, transactionDate: DATE, summary: ' '.repeat(10) },
    { institutionId: KSL, patronIdentifier: 'P1' },
  );

describe('per-terminal SIP2 profiles', () => {
  it("defaults keep today's answers: not on loan is ok 1, holds trapped, no contact details without PIN, patron language, both screen languages", async () => {
    const h = await harness();
    const r = await h.send(checkin('B1'));
    expect(r.fixed).toMatchObject({ ok: '1' });
    expect(r.fields.screenMessage).toEqual(['还书完成（该书未被借出） / Checked in (the item was not on loan)']);
    expect(h.backend.lastWrite).not.toHaveProperty('trapHolds');
    const info = await h.send(patronInfo('001'));
    expect(info.fixed).toMatchObject({ language: '019' });
    expect(info.fields.emailAddress).toBeUndefined();
  });

  it("checkinNotOnLoanOk false: a checkin of an item that was not on loan answers ok 0 (the sorter's exception bin)", async () => {
    const h = await harness({ checkinNotOnLoanOk: false });
    expect((await h.send(checkin('B1'))).fixed).toMatchObject({ ok: '0' });
    await h.send(checkout('N'));
    expect((await h.send(checkin('B1'))).fixed).toMatchObject({ ok: '1' });
  });

  it('checkinTrapsHolds false: the checkin asks the loans service not to trap holds', async () => {
    const h = await harness({ checkinTrapsHolds: false });
    await h.send(checkin('B1'));
    expect(h.backend.lastWrite).toMatchObject({ trapHolds: false });
  });

  it('contactWithoutPin: 64 sends BE/BF without a PIN', async () => {
    const h = await harness({ contactWithoutPin: true });
    const info = await h.send(patronInfo());
    expect(info.fields).toMatchObject({ emailAddress: 'zs@example.cn', homePhoneNumber: '13800000000' });
  });

  it('languageField echo: 24/64 give back the language the request asked for', async () => {
    const h = await harness({ languageField: 'echo' });
    expect((await h.send(patronInfo('001'))).fixed).toMatchObject({ language: '001' });
    const status = await h.send(
      createMessage(
        '23',
        { language: '000', transactionDate: DATE },
        { institutionId: KSL, patronIdentifier: 'P1', terminalPassword: '' },
      ),
    );
    expect(status.fixed).toMatchObject({ language: '000' });
  });

  it('screenLanguage en: screen messages in English from the login on', async () => {
    const h = await harness({ screenLanguage: 'en' });
    expect((await h.send(checkin('B1'))).fields.screenMessage).toEqual(['Checked in (the item was not on loan)']);
  });
});

describe('offline (no-block) and back-dated transactions on the wire', () => {
  it('98 announces offline ok Y and the accepted window', async () => {
    const h = await harness();
    const r = await h.send(createMessage('99', { statusCode: '0', maxPrintWidth: '040', protocolVersion: '2.00' }, {}));
    expect(r.fixed).toMatchObject({ offlineOk: 'Y' });
    expect(r.fields.screenMessage).toEqual(['离线交易受理期限 7 天 / Offline transactions accepted up to 7 days back']);
  });

  it('11 no-block Y passes the kiosk transaction date and due date; a live 11 passes neither, both carry the idempotency key', async () => {
    const h = await harness();
    const r = await h.send(checkout('Y', '20261123    093000', '20261215    235959'));
    expect(r.fixed).toMatchObject({ ok: '1' });
    expect(r.fields.dueDate).toBe('20261215    235959');
    expect(h.backend.lastWrite).toEqual({
      idempotencyKey: 'sip2:kiosk01:11:20261123____093000:CN-320583-1-KSL:P1:B1',
      noBlock: true,
      transactionAt: '2026-11-23T01:30:00.000Z',
      dueDate: '2026-12-15',
    });
  });

  it('a date that does not parse is refused with a clear message, never taken as now', async () => {
    const h = await harness();
    const r = await h.send(checkout('Y', '20261399    093000'));
    expect(r.fixed).toMatchObject({ ok: '0' });
    expect(r.fields.screenMessage?.[0]).toContain('The date is not valid');
    expect(h.backend.calls).not.toContain('checkout');
    const c = await h.send(checkin('B1', '2026XX23    093000'));
    expect(c.fixed).toMatchObject({ ok: '0' });
    expect(h.backend.calls).not.toContain('checkin');
  });

  it('09 with a return date in the past dates the return back; "now" (what live kiosks send) does not', async () => {
    const h = await harness();
    await h.send(checkin('B1', DATE));
    expect(h.backend.lastWrite).not.toHaveProperty('returnedAt');
    await h.send(checkin('B1', '20261123    220000'));
    expect(h.backend.lastWrite).toMatchObject({ returnedAt: '2026-11-23T14:00:00.000Z' });
  });
});
