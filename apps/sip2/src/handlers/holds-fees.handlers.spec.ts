import { ErrorCode } from '@app/contracts';
import { createMessage, SIP2_BLANK_DATE } from '@app/sip2-protocol';
import { fakeItem, fakePatron, FakeRemoteError } from '../testing/fake-circulation.backend';
import { fakeFine, fakeHold } from '../testing/fake-holds-fees';
import { DATE, ExchangeHarness, terminal } from '../testing/sip2-exchange.harness';

const KSL = 'CN-320583-1-KSL';
const ref = (barcode: string) => ({ agency: KSL, barcode });

async function loggedIn(): Promise<ExchangeHarness> {
  const h = new ExchangeHarness();
  h.accounts.add(terminal(), 'kiosk01-secret');
  h.backend
    .addPatron(fakePatron())
    .addPatron(fakePatron({ id: 'p2', barcode: 'P2', name: '李四' }), '5678')
    .addItem(fakeItem())
    .addItem(fakeItem({ id: 'i2', barcode: 'B2', recordId: 'r2', title: '三体' }))
    .addItem(fakeItem({ id: 'i3', barcode: 'B3', recordId: 'r2', title: '三体' }));
  await h.login();
  return h;
}

const hold = (mode: string, fields: Record<string, string>) =>
  createMessage(
    '15',
    { holdMode: mode, transactionDate: DATE },
    { institutionId: KSL, patronIdentifier: 'P1', ...fields },
  );
const feePaid = (
  amount: string,
  fields: Record<string, string> = {},
  fixed: Partial<Record<'feeType' | 'paymentType' | 'currencyType', string>> = {},
) =>
  createMessage(
    '37',
    { transactionDate: DATE, feeType: '01', paymentType: '00', currencyType: 'CNY', ...fixed },
    { feeAmount: amount, institutionId: KSL, patronIdentifier: 'P1', ...fields },
  );
const info = (summary: string, extra: Record<string, string> = {}) =>
  createMessage(
    '63',
    { language: '001', transactionDate: DATE, summary },
    { institutionId: KSL, patronIdentifier: 'P1', ...extra },
  );
const checkin = (item: string) =>
  createMessage(
    '09',
    { noBlock: 'N', transactionDate: DATE, returnDate: DATE },
    { currentLocation: 'KSL-MAIN', institutionId: KSL, itemIdentifier: item, terminalPassword: '' },
  );
const itemInfo = (item: string) =>
  createMessage('17', { transactionDate: DATE }, { institutionId: KSL, itemIdentifier: item });
const checkout = (item: string, patron = 'P1') =>
  createMessage(
    '11',
    { scRenewalPolicy: 'N', noBlock: 'N', transactionDate: DATE, nbDueDate: SIP2_BLANK_DATE },
    { institutionId: KSL, patronIdentifier: patron, itemIdentifier: item, terminalPassword: '' },
  );

describe('15 Hold → loans.holds', () => {
  it("'+' with AB places an item-level hold picked up at the terminal's branch: 16 ok, BR, BS, AJ", async () => {
    const h = await loggedIn();
    const r = await h.send(hold('+', { itemIdentifier: 'B1', patronPassword: '1234' }));
    expect(r).toMatchObject({
      code: '16',
      fixed: { ok: '1', available: 'N' },
      fields: { queuePosition: '1', pickupLocation: 'KSL-MAIN', itemIdentifier: 'B1', titleIdentifier: '水浒传' },
    });
    expect(r.fields.expirationDate).toBeUndefined();
    expect(r.fields.screenMessage).toEqual([
      '预约成功，取书地点 KSL-MAIN / Hold placed; pick it up at KSL-MAIN',
      '当前排队第 1 位 / You are number 1 in the queue',
    ]);
    expect(h.holds.calls[0]).toEqual({
      op: 'place',
      arg: {
        patron: ref('P1'),
        item: ref('B1'),
        pickupBranch: 'KSL-MAIN',
        notNeededAfter: undefined,
        pin: '1234',
        pinOrigin: 'sip2:kiosk01',
        idempotencyKey: 'sip2:kiosk01:15+:20261125____100000:CN-320583-1-KSL:P1:B1',
      },
    });
  });

  it("'+' honours BS (pickup) and BW (not needed after); a second patron queues behind", async () => {
    const h = await loggedIn();
    await h.send(hold('+', { itemIdentifier: 'B2' }));
    const r = await h.send(
      hold('+', {
        itemIdentifier: 'B2',
        patronIdentifier: 'P2',
        pickupLocation: 'KSL-ZS',
        expirationDate: '20261231    235959',
      }),
    );
    expect(r).toMatchObject({
      fixed: { ok: '1' },
      fields: { pickupLocation: 'KSL-ZS', expirationDate: '20261231    235959', queuePosition: '2' },
    });
    expect(h.holds.holds[1]).toMatchObject({ pickupBranch: 'KSL-ZS', notNeededAfter: '2026-12-31' });
  });

  it("'+' with a record id in AJ (no AB) places a title-level hold", async () => {
    const h = await loggedIn();
    const recordId = '1f0c2a3b-0000-4000-8000-00000000000a';
    const r = await h.send(hold('+', { titleIdentifier: recordId }));
    expect(r.fixed).toMatchObject({ ok: '1' });
    expect(h.holds.calls[0].arg).toMatchObject({ recordId });
  });

  it.each([
    [
      'duplicate',
      (h: ExchangeHarness) => h.holds.holds.push(fakeHold({ recordId: 'r1' })),
      { itemIdentifier: 'B1' },
      '您已预约过该书 / You already have a hold on this title',
    ],
    [
      'not allowed by the rule',
      (h: ExchangeHarness) => h.holds.notAllowed.add('B1'),
      { itemIdentifier: 'B1' },
      '该书不能预约 / Holds are not allowed on this item',
    ],
    [
      'a 24-hour library as pickup',
      () => undefined,
      { itemIdentifier: 'B1', pickupLocation: 'KSL-24H-SLGY' },
      '此处不能取预约书，请选择分馆或智能书柜 / Holds cannot be collected here; please choose a branch or a locker',
    ],
    [
      'an unknown BS',
      () => undefined,
      { itemIdentifier: 'B1', pickupLocation: 'NOWHERE' },
      '此处不能取预约书，请选择分馆或智能书柜 / Holds cannot be collected here; please choose a branch or a locker',
    ],
    ['an unknown item', () => undefined, { itemIdentifier: 'NOPE' }, '无法识别该图书条码 / Item not found'],
    ['no item', () => undefined, {}, '请扫描要预约的图书条码 / Please scan the barcode of the item you want to hold'],
    [
      'a title that is no record id',
      () => undefined,
      { titleIdentifier: '红楼梦' },
      '请扫描要预约的图书条码 / Please scan the barcode of the item you want to hold',
    ],
  ])('refuses %s with 16 ok 0 and the reason', async (_name, arrange, fields, message) => {
    const h = await loggedIn();
    arrange(h);
    const r = await h.send(hold('+', fields));
    expect(r).toMatchObject({ code: '16', fixed: { ok: '0', available: 'N' }, fields: { screenMessage: [message] } });
  });

  it('counts a wrong PIN against the connection like a checkout does', async () => {
    const h = await loggedIn();
    const r = await h.send(hold('+', { itemIdentifier: 'B1', patronPassword: '0000' }));
    expect(r.fields.screenMessage).toEqual(['密码错误 / Wrong PIN']);
    expect(h.metrics.pins.failed).toBe(1);
  });

  it("'-' cancels the patron's hold on the scanned copy, or the title-level hold on its record", async () => {
    const h = await loggedIn();
    await h.send(hold('+', { itemIdentifier: 'B1' }));
    const r = await h.send(hold('-', { itemIdentifier: 'B1' }));
    expect(r).toMatchObject({
      code: '16',
      fixed: { ok: '1', available: 'N' },
      fields: { titleIdentifier: '水浒传', pickupLocation: 'KSL-MAIN', screenMessage: ['预约已取消 / Hold cancelled'] },
    });
    expect(r.fields.queuePosition).toBeUndefined();
    expect(h.holds.holds[0].status).toBe('cancelled');

    h.holds.holds.push(fakeHold({ level: 'title', item: null, recordId: 'r2', title: '三体' }));
    expect((await h.send(hold('-', { itemIdentifier: 'B3' }))).fixed).toMatchObject({ ok: '1' });
    expect(h.holds.holds[1].status).toBe('cancelled');

    const none = await h.send(hold('-', { itemIdentifier: 'B1' }));
    expect(none).toMatchObject({
      fixed: { ok: '0' },
      fields: { screenMessage: ['未找到该预约 / No such hold was found'] },
    });
  });

  it("'-' with AD checks the PIN first; someone else's hold is not found", async () => {
    const h = await loggedIn();
    h.holds.holds.push(fakeHold({ patron: ref('P2'), item: ref('B1') }));
    expect((await h.send(hold('-', { itemIdentifier: 'B1', patronPassword: '0000' }))).fields.screenMessage).toEqual([
      '密码错误 / Wrong PIN',
    ]);
    expect((await h.send(hold('-', { itemIdentifier: 'B1', patronPassword: '1234' }))).fields.screenMessage).toEqual([
      '未找到该预约 / No such hold was found',
    ]);
    expect(h.holds.holds[0].status).toBe('waiting');
  });

  it("'*' (change the pickup location) is answered truthfully as not supported, nothing is sent on", async () => {
    const h = await loggedIn();
    const r = await h.send(hold('*', { itemIdentifier: 'B1', pickupLocation: 'KSL-ZS' }));
    expect(r).toMatchObject({ fixed: { ok: '0' } });
    expect(r.fields.screenMessage?.[0]).toContain('Changing the pickup location is not supported');
    expect(h.holds.calls).toEqual([]);
  });

  it('answers "temporarily unavailable" when the loans service does not answer', async () => {
    const h = await loggedIn();
    h.holds.failWith = ErrorCode.Timeout;
    const r = await h.send(hold('+', { itemIdentifier: 'B1' }));
    expect(r).toMatchObject({ code: '16', fixed: { ok: '0' } });
    expect(r.fields.screenMessage?.[0]).toContain('temporarily unavailable');
  });
});

describe('09 Checkin with holds and fines (CheckinResult)', () => {
  it('trapped for a hold here: alert Y, CV 01, CL HOLDS, CT here, CY the hold patron', async () => {
    const h = await loggedIn();
    h.backend.checkinExtra = {
      hold: {
        holdId: 'h1',
        patron: ref('P2'),
        pickupBranch: 'KSL-MAIN',
        status: 'ready',
        pickupDeadline: '2026-12-02T15:59:59.999Z',
        pickupDeadlineDate: '2026-12-02',
      },
      sortBin: 'HOLDS',
      destination: 'KSL-MAIN',
      transit: false,
      alerts: ['hold_shelf'],
    };
    const r = await h.send(checkin('B1'));
    expect(r).toMatchObject({
      code: '10',
      fixed: { ok: '1', alert: 'Y' },
      fields: { alertType: '01', sortBin: 'HOLDS', destinationLocation: 'KSL-MAIN', holdPatronId: 'P2' },
    });
    expect(r.fields.holdPatronName).toBeUndefined(); // the contract carries no name
    expect(r.fields.screenMessage).toContain('此书已被预约，请放入预约架 / On hold: please put it on the hold shelf');
  });

  it('trapped for a hold elsewhere: CV 02, CL/CT the pickup branch', async () => {
    const h = await loggedIn();
    h.backend.checkinExtra = {
      hold: {
        holdId: 'h1',
        patron: ref('P2'),
        pickupBranch: 'KSL-ZS',
        status: 'in_transit',
        pickupDeadline: null,
        pickupDeadlineDate: null,
      },
      sortBin: 'KSL-ZS',
      destination: 'KSL-ZS',
      transit: true,
      alerts: ['hold_transit'],
    };
    const r = await h.send(checkin('B1'));
    expect(r).toMatchObject({
      fixed: { alert: 'Y' },
      fields: { alertType: '02', sortBin: 'KSL-ZS', destinationLocation: 'KSL-ZS', holdPatronId: 'P2' },
    });
    expect(r.fields.screenMessage).toContain('此书已被预约，请送往 KSL-ZS / On hold: please send it to KSL-ZS');
  });

  it('says which overdue fine was charged with the return', async () => {
    const h = await loggedIn();
    await h.send(checkout('B1'));
    h.backend.checkinExtra = {
      fine: { id: 'f1', amountFen: 600, chargeableDays: 6 },
      destination: 'KSL-MAIN',
      transit: false,
    };
    const r = await h.send(checkin('B1'));
    expect(r.fields).toMatchObject({
      screenMessage: ['还书成功 / Checked in', '逾期罚款 6.00 元 / Overdue fine: 6.00 CNY'],
    });
    expect(r.fixed).toMatchObject({ alert: 'N' });
    expect(r.fields.holdPatronId).toBeUndefined();
  });
});

describe('17 Item information with holds', () => {
  it('08 on the hold shelf with CM (pickup deadline), 10 travelling to one, CF = active holds on the copy and title', async () => {
    const h = await loggedIn();
    h.holds.holds.push(
      fakeHold({
        status: 'ready',
        level: 'title',
        item: null,
        recordId: 'r2',
        trappedItem: ref('B2'),
        pickupDeadline: '2026-12-02T15:59:59.999Z',
      }),
    );
    h.holds.holds.push(fakeHold({ patron: ref('P2'), level: 'title', item: null, recordId: 'r2' }));
    const r = await h.send(itemInfo('B2'));
    expect(r).toMatchObject({
      fixed: { circulationStatus: '08' },
      fields: { holdQueueLength: '2', holdPickupDate: '20261202    235959' },
    });
    h.holds.holds[0].status = 'in_transit';
    expect((await h.send(itemInfo('B2'))).fixed).toMatchObject({ circulationStatus: '10' });
    // the other copy of the title: on the shelf, two holds on its title
    expect(await h.send(itemInfo('B3'))).toMatchObject({
      fixed: { circulationStatus: '03' },
      fields: { holdQueueLength: '2' },
    });
    expect((await h.send(itemInfo('B1'))).fields.holdQueueLength).toBe('0');
  });
});

describe('63 Patron information with holds and fines', () => {
  it('AS = holds on the shelf, CD = holds not yet available, with their counts', async () => {
    const h = await loggedIn();
    h.holds.holds.push(
      fakeHold({ status: 'ready', level: 'title', item: null, recordId: 'r2', trappedItem: ref('B3') }),
    );
    h.holds.holds.push(fakeHold({ item: ref('B1') }));
    h.holds.holds.push(fakeHold({ level: 'title', item: null, recordId: 'r9', title: '红楼梦' }));
    const as = await h.send(info('Y         '));
    expect(as.fixed).toMatchObject({ holdItemsCount: '0001', unavailableHoldsCount: '0002', fineItemsCount: '0000' });
    expect(as.fields.holdItems).toEqual(['B3']);
    const cd = await h.send(info('     Y    '));
    expect(cd.fields.unavailableHoldItems).toEqual(['B1', '红楼梦']);
    const ranged = await h.send(info('     Y    ', { startItem: '2', endItem: '2' }));
    expect(ranged.fields.unavailableHoldItems).toEqual(['红楼梦']);
  });

  it('AV = open fines (id, amount owed, kind, item, title), BV/BH what is owed; the fines block flags position 11', async () => {
    const h = await loggedIn();
    const a = fakeFine({ id: '0f000000-0000-4000-8000-00000000000a', outstandingFen: 600 });
    const b = fakeFine({
      id: '0f000000-0000-4000-8000-00000000000b',
      kind: 'lost_item',
      item: ref('B2'),
      title: '三体',
      amountFen: 5000,
      outstandingFen: 5000,
    });
    h.fees.fines.push(a, b);
    h.backend.finesFen = 5600;
    h.backend.patrons.set(`${KSL}/P1`, fakePatron({ blocks: ['fines'], circulationBlocked: true }));
    const r = await h.send(info('   Y      '));
    expect(r.fixed).toMatchObject({ fineItemsCount: '0002', patronStatus: 'YYYY      Y   ' });
    expect(r.fields).toMatchObject({
      fineItems: [
        '0f000000-0000-4000-8000-00000000000a 6.00 overdue fine B1 水浒传',
        '0f000000-0000-4000-8000-00000000000b 50.00 lost item fee B2 三体',
      ],
      currencyType: 'CNY',
      feeAmount: '56.00',
      screenMessage: ['You have unpaid fines; please pay them first'],
    });
    expect(r.fields.feeLimit).toBeUndefined(); // the threshold is not exposed by the loans service
  });

  it('sends blank counts (unknown), not zeros, when the holds or fines cannot be read', async () => {
    const h = await loggedIn();
    // the summary counts a hold and a fine, so the lists must be read
    h.holds.holds.push(fakeHold({ item: ref('B1') }));
    h.fees.fines.push(fakeFine({ outstandingFen: 600 }));
    h.holds.failWith = ErrorCode.Timeout;
    h.fees.failWith = ErrorCode.Timeout;
    const r = await h.send(info('          '));
    expect(r.fixed).toMatchObject({
      holdItemsCount: '    ',
      unavailableHoldsCount: '    ',
      fineItemsCount: '    ',
      chargedItemsCount: '0000',
    });
  });
});

describe('37 Fee paid → loans.fines.pay', () => {
  async function owing(): Promise<ExchangeHarness> {
    const h = await loggedIn();
    h.fees.fines.push(
      fakeFine({ id: '0f000000-0000-4000-8000-00000000000a', outstandingFen: 600, createdAt: '2026-11-01T00:00:00Z' }),
    );
    h.fees.fines.push(
      fakeFine({
        id: '0f000000-0000-4000-8000-00000000000b',
        item: ref('B2'),
        outstandingFen: 400,
        amountFen: 400,
        createdAt: '2026-11-02T00:00:00Z',
      }),
    );
    return h;
  }

  it('pays everything owed: 38 Y with BK, recorded as a SIP2 cash payment at the terminal branch', async () => {
    const h = await owing();
    const r = await h.send(feePaid('10.00', { transactionId: 'K-0001' }));
    expect(r).toMatchObject({
      code: '38',
      fixed: { paymentAccepted: 'Y' },
      fields: {
        transactionId: 'K-0001',
        screenMessage: ['缴费成功 10.00 元，费用已结清 / Paid 10.00 CNY; nothing is owed now'],
      },
    });
    expect(h.fees.payments).toEqual([
      {
        patron: ref('P1'),
        amountFen: 1000,
        paymentType: 'cash',
        transactionId: 'K-0001',
        branch: 'KSL-MAIN',
        actor: 'sip2:kiosk01',
        idempotencyKey: 'sip2:kiosk01:37:20261125____100000:CN-320583-1-KSL:P1:1000:K-0001:',
      },
    ]);
  });

  it('takes partial payments, oldest first, and answers a resent BK without charging twice', async () => {
    const h = await owing();
    const r = await h.send(feePaid('2.5', { transactionId: 'K-0002' }, { paymentType: '01' }));
    expect(r).toMatchObject({
      fixed: { paymentAccepted: 'Y' },
      fields: { screenMessage: ['缴费成功 2.50 元，尚欠 7.50 元 / Paid 2.50 CNY; 7.50 CNY still owed'] },
    });
    expect(h.fees.payments[0]).toMatchObject({ amountFen: 250, paymentType: 'card' });
    expect((await h.send(feePaid('2.5', { transactionId: 'K-0002' }))).fixed).toMatchObject({ paymentAccepted: 'Y' });
    expect(h.fees.payments).toHaveLength(1);
  });

  it('pays the fee named by CG: a fine id, or an item barcode with one open fine', async () => {
    const h = await owing();
    await h.send(feePaid('4.00', { feeIdentifier: '0f000000-0000-4000-8000-00000000000b', transactionId: 'K-3' }));
    expect(h.fees.payments[0]).toMatchObject({ fineId: '0f000000-0000-4000-8000-00000000000b', amountFen: 400 });
    const again = await h.send(
      feePaid('4.00', { feeIdentifier: '0f000000-0000-4000-8000-00000000000b', transactionId: 'K-4' }),
    );
    expect(again).toMatchObject({
      fixed: { paymentAccepted: 'N' },
      fields: { screenMessage: ['该笔费用已结清 / This fee is already settled'] },
    });
    await h.send(feePaid('1.00', { feeIdentifier: 'B1', transactionId: 'K-5' }));
    expect(h.fees.payments[1]).toMatchObject({ fineId: '0f000000-0000-4000-8000-00000000000a', amountFen: 100 });
    const unknown = await h.send(feePaid('1.00', { feeIdentifier: 'B9' }));
    expect(unknown).toMatchObject({
      fixed: { paymentAccepted: 'N' },
      fields: { screenMessage: ['未找到该笔费用 / Fee not found'] },
    });
  });

  it('makes up a receipt number when the kiosk sends no BK', async () => {
    const h = await owing();
    const r = await h.send(feePaid('1.00'));
    expect(r.fixed).toMatchObject({ paymentAccepted: 'Y' });
    // made from the transaction's idempotency key, so a resend after a reconnect gets the same receipt
    expect(r.fields.transactionId).toMatch(/^SIP2-[0-9A-F]{20}$/);
    expect(h.fees.payments[0].transactionId).toBe(r.fields.transactionId);
  });

  it.each([
    [
      'more than is owed',
      '10.01',
      {},
      {},
      '缴费金额超过应缴金额（应缴 10.00 元） / The amount is more than what is owed (10.00 CNY)',
    ],
    ['a zero amount', '0.00', {}, {}, '缴费金额无效 / The payment amount is not valid'],
    ['an amount that is no number', 'abc', {}, {}, '缴费金额无效 / The payment amount is not valid'],
    ['another currency', '1.00', {}, { currencyType: 'USD' }, '仅接受人民币缴费 / Only payments in CNY are accepted'],
    ['a wrong PIN', '1.00', { patronPassword: '0000' }, {}, '密码错误 / Wrong PIN'],
    [
      'a BK longer than 64 characters',
      '1.00',
      { transactionId: 'X'.repeat(65) },
      {},
      '交易号无效（最长 64 个字符） / The transaction id is not valid (64 characters at most)',
    ],
  ])('does not accept %s', async (_name, amount, fields, fixed, message) => {
    const h = await owing();
    const r = await h.send(feePaid(amount, fields, fixed));
    expect(r).toMatchObject({ code: '38', fixed: { paymentAccepted: 'N' }, fields: { screenMessage: [message] } });
    expect(h.fees.payments).toEqual([]);
  });

  it('does not accept money when nothing is owed, nor when the loans service does not answer', async () => {
    const h = await loggedIn();
    expect(await h.send(feePaid('5.00', { transactionId: 'T1' }))).toMatchObject({
      fixed: { paymentAccepted: 'N' },
      fields: { transactionId: 'T1', screenMessage: ['暂无应缴费用，请勿缴费 / No fees are owed; please do not pay'] },
    });
    h.fees.failWith = ErrorCode.Timeout;
    const down = await h.send(feePaid('5.00', { transactionId: 'T2' }));
    expect(down.fixed).toMatchObject({ paymentAccepted: 'N' });
    expect(down.fields.screenMessage?.[0]).toContain('temporarily unavailable');
  });
});

describe('refusals that come from holds and fines', () => {
  it('11: a fines block names the amount; a copy held for someone else says so', async () => {
    const h = await loggedIn();
    h.backend.finesFen = 1200;
    h.backend.refuseWith = new FakeRemoteError(ErrorCode.PatronBlocked, 'blocked', { blocks: ['fines'] });
    const r = await h.send(checkout('B1'));
    expect(r).toMatchObject({
      fixed: { ok: '0' },
      fields: {
        screenMessage: ['您有未缴罚款 12.00 元，请先缴费 / You owe 12.00 CNY in fines; please pay them first'],
      },
    });
    h.backend.refuseWith = new FakeRemoteError(ErrorCode.ItemHeldForAnotherPatron);
    expect((await h.send(checkout('B1'))).fields.screenMessage).toEqual([
      '该书已为其他读者预留 / This item is on hold for another patron',
    ]);
  });

  it('29/65: renewal refused because others wait gets a clear reason (per item in 66)', async () => {
    const h = await loggedIn();
    await h.send(checkout('B1'));
    h.backend.refuseWith = new FakeRemoteError(ErrorCode.RenewalRefusedHolds);
    const renew = await h.send(
      createMessage(
        '29',
        { thirdPartyAllowed: 'N', noBlock: 'N', transactionDate: DATE, nbDueDate: SIP2_BLANK_DATE },
        { institutionId: KSL, patronIdentifier: 'P1', itemIdentifier: 'B1' },
      ),
    );
    expect(renew).toMatchObject({
      fixed: { ok: '0' },
      fields: {
        screenMessage: ['该书已被他人预约，不能续借 / Another patron is waiting for this item; it cannot be renewed'],
      },
    });
    const all = await h.send(
      createMessage('65', { transactionDate: DATE }, { institutionId: KSL, patronIdentifier: 'P1' }),
    );
    expect(all).toMatchObject({
      fixed: { renewedCount: '0000', unrenewedCount: '0001' },
      fields: { unrenewedItems: ['B1'] },
    });
    expect(all.fields.screenMessage).toEqual([
      '续借成功 0 册，未续借 1 册 / 0 renewed, 1 not renewed',
      'B1: 该书已被他人预约，不能续借 / Another patron is waiting for this item; it cannot be renewed',
    ]);
  });

  it('takes zero hold and fine counts from the patron summary without reading the lists (unless one is asked for)', async () => {
    const h = await loggedIn();
    h.holds.failWith = ErrorCode.Timeout; // would blank the counts if they were asked
    h.fees.failWith = ErrorCode.Timeout;
    const r = await h.send(info('          '));
    expect(r.fixed).toMatchObject({
      holdItemsCount: '0000',
      unavailableHoldsCount: '0000',
      fineItemsCount: '0000',
      chargedItemsCount: '0000',
    });
    expect(h.holds.calls.map((c) => c.op)).not.toContain('patronHolds');
    // a hold list asked for is read even when the summary counts none
    h.holds.failWith = undefined;
    await h.send(info('     Y    '));
    expect(h.holds.calls.map((c) => c.op)).toContain('patronHolds');
  });
});
