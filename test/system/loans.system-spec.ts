import {
  CatalogSubjects,
  CheckoutResult,
  ErrorCode,
  ItemView,
  LoanSubjects,
  LoanView,
  Page,
  PatronSubjects,
  PatronSummary,
} from '@app/contracts';
import { eventually, RpcTestClient } from '@app/testing';
import { Client } from 'pg';
import { addDays, localDate } from '@app/time';
import { CirculationFixture, KSL, refusal } from './support/circulation-fixture';

const SH = 'Asia/Shanghai';
const PIN = '2468';

describe('loans service (real PostgreSQL + NATS, with catalog and patrons)', () => {
  const fx = new CirculationFixture({
    prefix: 'loans',
    env: { LIBRARY_TIMEZONE: SH },
    db: true,
    patronDefaults: { pin: PIN },
  });
  const { createPatron, renew, itemStatus } = fx;
  let rpc: RpcTestClient;
  let db: Client;
  let recordId: string;

  const createItem = (barcode: string, extra: Record<string, unknown> = {}) => fx.createItem(barcode, recordId, extra);
  const checkout = (patron: string, item: string, extra: Record<string, unknown> = {}) =>
    fx.checkout(patron, item, { channel: 'sip2', ...extra });
  const checkin = (item: string, branch = 'KSL-MAIN') => fx.checkin(item, branch, { channel: 'sip2' });
  /** The local due date for a loan of `days` made now (either side of a midnight that passes mid-test). */
  const expectedDueDates = (days: number, before: Date) => [
    addDays(localDate(before, SH), days),
    addDays(localDate(new Date(), SH), days),
  ];
  const endOfShanghaiDay = (date: string) => new Date(`${date}T23:59:59+08:00`).toISOString();

  beforeAll(async () => {
    await fx.start();
    ({ rpc, db } = fx);

    await fx.registerKsl([['KSL-24H-1', '24小时城市书房', 'self_service_24h']]);
    recordId = await fx.newRecord('红楼梦', { author: '曹雪芹' });

    await createPatron('P-ADULT');
    await createPatron('P-OTHER');
    await createPatron('P-CHILD', { patronType: 'child' });
    await createPatron('P-LOST', { blocks: ['card_lost'] });
    await createPatron('P-FINES', { blocks: ['fines'] });
    await createPatron('P-INACTIVE');
    await rpc.request(PatronSubjects.update, { agency: KSL, barcode: 'P-INACTIVE', status: 'inactive' });
    await createPatron('P-EXPIRED', { cardExpiresOn: '2020-01-31' });
    await createPatron('P-PIN');
  });

  afterAll(() => fx.stop());

  it('checks an item out with a due date at the end of the local (Asia/Shanghai) day, and the catalog follows', async () => {
    await createItem('B-100');
    const before = new Date();
    const { loan, rule } = await checkout('P-ADULT', 'B-100', { pin: PIN });

    expect(rule).toEqual({ id: 'default', loanDays: 30, maxItems: 20, maxRenewals: 1 });
    expect(expectedDueDates(30, before)).toContain(loan.dueDate);
    expect(loan.dueAt).toBe(endOfShanghaiDay(loan.dueDate)); // 23:59:59 +08:00 stored as UTC (15:59:59Z)
    expect(loan).toMatchObject({
      patron: { agency: KSL, barcode: 'P-ADULT' },
      item: { agency: KSL, barcode: 'B-100' },
      title: '红楼梦',
      itemType: 'book',
      checkoutBranch: 'KSL-MAIN',
      channel: 'sip2',
      renewals: 0,
      status: 'open',
      overdue: false,
      returnedAt: null,
    });

    const open = await rpc.request<LoanView | null>(LoanSubjects.itemLoan, { agency: KSL, barcode: 'B-100' });
    expect(open?.id).toBe(loan.id);
    await eventually(async () => (await itemStatus('B-100')) === 'on_loan');
  });

  it('applies the most specific loan rule (audiovisual: 14 days)', async () => {
    await createItem('AV-1', { itemType: 'audiovisual' });
    const before = new Date();
    const { loan, rule } = await checkout('P-OTHER', 'AV-1');
    expect(rule).toMatchObject({ id: 'audiovisual', loanDays: 14 });
    expect(expectedDueDates(14, before)).toContain(loan.dueDate);
  });

  it('refuses with a clear code for each patron problem', async () => {
    await createItem('B-200');
    await expect(checkout('P-NOBODY', 'B-200')).rejects.toMatchObject(refusal(ErrorCode.PatronUnknown));
    await expect(checkout('P-NOBODY', 'B-200', { pin: PIN })).rejects.toMatchObject(refusal(ErrorCode.PatronUnknown));
    await expect(checkout('P-LOST', 'B-200', { pin: PIN })).rejects.toMatchObject(refusal(ErrorCode.CardLost));
    await expect(checkout('P-FINES', 'B-200')).rejects.toMatchObject(refusal(ErrorCode.PatronBlocked));
    await expect(checkout('P-INACTIVE', 'B-200')).rejects.toMatchObject(refusal(ErrorCode.PatronBlocked));
    await expect(checkout('P-EXPIRED', 'B-200')).rejects.toMatchObject(refusal(ErrorCode.CardExpired));
    await expect(checkout('P-PIN', 'B-200', { pin: '0000' })).rejects.toMatchObject(refusal(ErrorCode.PinInvalid));
    // nothing was lent along the way
    expect(await rpc.request(LoanSubjects.itemLoan, { agency: KSL, barcode: 'B-200' })).toBeNull();
  });

  it('answers PIN_THROTTLED once too many wrong PINs were tried', async () => {
    await createItem('B-210');
    await createPatron('P-GUESS');
    // the patrons service allows 5 failures per window by default
    for (let i = 0; i < 5; i++)
      await expect(checkout('P-GUESS', 'B-210', { pin: '9999' })).rejects.toMatchObject(refusal(ErrorCode.PinInvalid));
    await expect(checkout('P-GUESS', 'B-210', { pin: PIN })).rejects.toMatchObject(refusal(ErrorCode.PinThrottled));
  });

  it('refuses unknown, non-loanable and already-lent items', async () => {
    await createItem('REF-1', { itemType: 'reference' }); // reference copies default to loanable=false
    await createItem('LOST-1', { status: 'lost' });
    await createItem('WD-1', { status: 'withdrawn' });
    await createItem('B-300');
    await expect(checkout('P-ADULT', 'NO-SUCH-ITEM')).rejects.toMatchObject(refusal(ErrorCode.ItemUnknown));
    await expect(checkout('P-ADULT', 'REF-1')).rejects.toMatchObject(refusal(ErrorCode.ItemNotLoanable));
    await expect(checkout('P-ADULT', 'LOST-1')).rejects.toMatchObject(refusal(ErrorCode.ItemNotLoanable));
    await expect(checkout('P-ADULT', 'WD-1')).rejects.toMatchObject(refusal(ErrorCode.ItemNotLoanable));
    await checkout('P-ADULT', 'B-300');
    await expect(checkout('P-OTHER', 'B-300')).rejects.toMatchObject({
      payload: expect.objectContaining({ code: ErrorCode.ItemAlreadyOnLoan, details: { loanedToThisPatron: false } }),
    });
    await expect(checkout('P-ADULT', 'B-300')).rejects.toMatchObject({
      payload: expect.objectContaining({ code: ErrorCode.ItemAlreadyOnLoan, details: { loanedToThisPatron: true } }),
    });
    // an unknown patron with an unknown item: the patron is reported first
    await expect(checkout('P-NOBODY', 'NO-SUCH-ITEM')).rejects.toMatchObject(refusal(ErrorCode.PatronUnknown));
  });

  it('checks items in: closes the loan, routes it home, and answers an item not on loan without an error', async () => {
    await createItem('B-400');
    const { loan } = await checkout('P-ADULT', 'B-400');
    await eventually(async () => (await itemStatus('B-400')) === 'on_loan');

    // returned at a branch other than its home: it must travel back to KSL-MAIN
    const back = await checkin('B-400', 'KSL-ZS');
    expect(back).toMatchObject({
      wasOnLoan: true,
      destination: 'KSL-MAIN',
      transit: true,
      alerts: [],
      item: { agency: KSL, barcode: 'B-400', title: '红楼梦', homeBranch: 'KSL-MAIN', itemType: 'book' },
      loan: { id: loan.id, status: 'closed', returnBranch: 'KSL-ZS' },
    });
    expect(back.loan?.returnedAt).toBeTruthy();
    expect(await rpc.request(LoanSubjects.itemLoan, { agency: KSL, barcode: 'B-400' })).toBeNull();
    await eventually(async () => {
      const item = await rpc.request<ItemView>(CatalogSubjects.getItem, { agency: KSL, barcode: 'B-400' });
      // returned away from home: the catalog shows it travelling from where it was returned
      return item.status === 'in_transit' && item.currentLocation === 'KSL-ZS';
    });

    // a second scan, at home (book drop, then desk): not on loan, not an error; the transit is received
    const again = await checkin('B-400', 'KSL-MAIN');
    expect(again).toMatchObject({ wasOnLoan: false, loan: null, destination: 'KSL-MAIN', transit: false });
    await eventually(async () => (await itemStatus('B-400')) === 'available');
    await expect(checkin('NO-SUCH-ITEM')).rejects.toMatchObject(refusal(ErrorCode.ItemUnknown));

    // and the item can be lent again
    await expect(checkout('P-OTHER', 'B-400')).resolves.toMatchObject({ loan: { status: 'open' } });
  });

  it('renews the patron’s own loan up to the rule’s limit', async () => {
    await createItem('B-500');
    const { loan } = await checkout('P-ADULT', 'B-500');
    await expect(renew('P-OTHER', 'B-500')).rejects.toMatchObject(refusal(ErrorCode.LoanNotFound));
    await expect(renew('P-ADULT', 'B-100-NOT-OUT')).rejects.toMatchObject(refusal(ErrorCode.LoanNotFound));
    await expect(renew('P-NOBODY', 'B-500')).rejects.toMatchObject(refusal(ErrorCode.PatronUnknown));

    const renewed = await renew('P-ADULT', 'B-500');
    expect(renewed.loan).toMatchObject({ id: loan.id, renewals: 1 });
    // today + 30 on the day of checkout is the same date: never earlier than before
    expect(renewed.loan.dueDate >= loan.dueDate).toBe(true);
    expect(renewed.loan.dueAt).toBe(endOfShanghaiDay(renewed.loan.dueDate));
    await expect(renew('P-ADULT', 'B-500')).rejects.toMatchObject(refusal(ErrorCode.RenewalLimitReached));
  });

  it('renews an overdue loan from today, and refuses a blocked patron', async () => {
    await createItem('B-510');
    await createItem('B-511');
    await createPatron('P-LATE');
    await checkout('P-LATE', 'B-510');
    await checkout('P-LATE', 'B-511');
    // make B-510 ten days overdue (the only way to travel in time here)
    await db.query(
      `UPDATE loans.loans SET due_at = now() - interval '10 days', due_date = (now() AT TIME ZONE 'Asia/Shanghai')::date - 10
       WHERE item_barcode = 'B-510' AND returned_at IS NULL`,
    );
    expect(
      await rpc.request<PatronSummary>(LoanSubjects.patronSummary, { patron: { agency: KSL, barcode: 'P-LATE' } }),
    ).toEqual({
      patron: { agency: KSL, barcode: 'P-LATE' },
      openLoans: 2,
      overdueLoans: 1,
      holds: 0,
      finesFen: 0,
    });
    const before = new Date();
    const { loan } = await renew('P-LATE', 'B-510');
    expect(expectedDueDates(30, before)).toContain(loan.dueDate);
    expect(loan.overdue).toBe(false);

    await rpc.request(PatronSubjects.setBlock, { agency: KSL, barcode: 'P-LATE', block: 'overdue', active: true });
    await expect(renew('P-LATE', 'B-511')).rejects.toMatchObject(refusal(ErrorCode.PatronBlocked));
  });

  it('refuses TOO_MANY_ITEMS at the limit of the patron’s rule (children: 15)', async () => {
    for (let i = 0; i < 16; i++) await createItem(`C-${i}`, { itemType: 'children_book' });
    for (let i = 0; i < 15; i++)
      await expect(checkout('P-CHILD', `C-${i}`)).resolves.toMatchObject({ rule: { id: 'children', maxItems: 15 } });
    await expect(checkout('P-CHILD', 'C-15')).rejects.toMatchObject({
      payload: expect.objectContaining({
        code: ErrorCode.TooManyItems,
        details: { openLoans: 15, maxItems: 15, ruleId: 'children' },
      }),
    });
    await checkin('C-0');
    await expect(checkout('P-CHILD', 'C-15')).resolves.toBeDefined();
  });

  it('does not let concurrent kiosks push a patron past the limit', async () => {
    await createPatron('P-BUSY', { patronType: 'child' });
    for (let i = 0; i < 30; i++) await createItem(`K-${i}`);
    for (let i = 0; i < 14; i++) await checkout('P-BUSY', `K-${i}`);
    // sixteen kiosk requests at once, one slot left
    const results = await Promise.allSettled(Array.from({ length: 16 }, (_, i) => checkout('P-BUSY', `K-${14 + i}`)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const codes = results.flatMap((r) =>
      r.status === 'rejected' ? [(r.reason as { payload: { code: string } }).payload.code] : [],
    );
    expect(codes).toEqual(Array(15).fill(ErrorCode.TooManyItems));
  });

  it('lends an item exactly once when 20 desks and kiosks race for it', async () => {
    await createItem('RACE-1');
    const racers = Array.from({ length: 20 }, (_, i) => `P-RACE-${i}`);
    for (const p of racers) await createPatron(p);
    const results = await Promise.allSettled(racers.map((p) => checkout(p, 'RACE-1')));
    const won = results.filter((r): r is PromiseFulfilledResult<CheckoutResult> => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.map((r) => (r.reason as { payload: { code: string } }).payload.code)).toEqual(
      Array(19).fill(ErrorCode.ItemAlreadyOnLoan),
    );
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM loans.loans WHERE item_barcode = 'RACE-1'`);
    expect(rows[0].n).toBe(1);
    const open = await rpc.request<LoanView>(LoanSubjects.itemLoan, { agency: KSL, barcode: 'RACE-1' });
    expect(open.patron.barcode).toBe(won[0].value.loan.patron.barcode);
  });

  it('lists a patron’s loans newest first, open/closed/all, paged', async () => {
    await createPatron('P-HIST');
    for (const b of ['H-1', 'H-2', 'H-3']) {
      await createItem(b);
      await checkout('P-HIST', b);
    }
    await checkin('H-1');
    const list = (status: string, extra: Record<string, unknown> = {}) =>
      rpc.request<Page<LoanView>>(LoanSubjects.patronLoans, {
        patron: { agency: KSL, barcode: 'P-HIST' },
        status,
        ...extra,
      });

    const open = await list('open');
    expect(open.items.map((l) => l.item.barcode)).toEqual(['H-3', 'H-2']);
    expect(open.total).toBe(2);
    expect((await list('closed')).items.map((l) => l.item.barcode)).toEqual(['H-1']);
    const page = await list('all', { limit: 2, offset: 1 });
    expect(page).toMatchObject({ total: 3, limit: 2, offset: 1 });
    expect(page.items.map((l) => l.item.barcode)).toEqual(['H-2', 'H-1']);
    expect(
      (await rpc.request<Page<LoanView>>(LoanSubjects.patronLoans, { patron: { agency: KSL, barcode: 'P-HIST' } }))
        .total,
    ).toBe(2);
    await expect(
      rpc.request(LoanSubjects.patronLoans, { patron: { agency: KSL, barcode: 'P-HIST' }, status: 'late' }),
    ).rejects.toMatchObject(refusal(ErrorCode.ValidationFailed));
  });

  // keep last: it stops the catalog
  it('passes SERVICE_UNAVAILABLE through when the catalog is down, but still checks in from its own data', async () => {
    await createItem('B-900');
    await checkout('P-OTHER', 'B-900');
    const catalog = fx.services.shift()!;
    await catalog.close();
    await expect(checkout('P-ADULT', 'B-901')).rejects.toMatchObject(refusal(ErrorCode.ServiceUnavailable));
    await expect(checkin('B-900')).resolves.toMatchObject({
      wasOnLoan: true,
      item: { title: '红楼梦', homeBranch: 'KSL-MAIN' },
    });
  });
});
