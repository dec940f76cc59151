import {
  CatalogSubjects,
  CheckinResult,
  ErrorCode,
  HoldExpiryReport,
  HoldShelf,
  HoldSubjects,
  HoldView,
  ItemView,
  Page,
  PickList,
  TransitSubjects,
  TransitView,
} from '@app/contracts';
import { eventually, RpcTestClient, startTestService } from '@app/testing';
import { Client } from 'pg';
import { LoansEnvDto } from '../../apps/loans/src/config/loans-env.dto';
import { addDays, localDate } from '@app/time';
import { LoansModule } from '../../apps/loans/src/loans.module';
import { CirculationFixture, KSL, refusal } from './support/circulation-fixture';

// several steps wait for the catalog to mirror events
jest.setTimeout(60_000);

const SH = 'Asia/Shanghai';
const TCL = 'CN-320585-1-TCL';

describe('holds, hold shelf, transit and return anywhere (catalog + patrons + loans, real PostgreSQL + NATS)', () => {
  // the periodic expiry job is off: the spec runs it through loans.holds.expire.v1
  const fx = new CirculationFixture({
    prefix: 'holds',
    env: { LIBRARY_TIMEZONE: SH },
    loansEnv: { HOLD_EXPIRY_INTERVAL_MS: '0' },
    db: true,
  });
  const { newRecord, createItem, createPatron, renew, summary } = fx;
  let rpc: RpcTestClient;
  let db: Client;

  const patron = (barcode: string) => ({ agency: KSL, barcode });
  const item = (barcode: string) => ({ agency: KSL, barcode });
  const checkout = (p: string, i: string, branch = 'KSL-MAIN') => fx.checkout(p, i, { branch, channel: 'desk' });
  const checkin = (i: string, branch: string) => fx.checkin(i, branch, { channel: 'sip2' });
  const placeTitleHold = (p: string, recordId: string, pickupBranch: string, extra: Record<string, unknown> = {}) =>
    rpc.request<HoldView>(HoldSubjects.place, { patron: patron(p), recordId, pickupBranch, ...extra });
  const placeItemHold = (p: string, i: string, pickupBranch: string, extra: Record<string, unknown> = {}) =>
    rpc.request<HoldView>(HoldSubjects.place, { patron: patron(p), item: item(i), pickupBranch, ...extra });
  const holdsOf = async (p: string, status = 'active') =>
    (await rpc.request<Page<HoldView>>(HoldSubjects.list, { patron: patron(p), status })).items;
  const holdById = async (p: string, id: string) => (await holdsOf(p, 'all')).find((h) => h.id === id)!;
  const queue = async (recordId: string) => (await rpc.request<Page<HoldView>>(HoldSubjects.list, { recordId })).items;
  const shelf = (branch: string) => rpc.request<HoldShelf>(HoldSubjects.shelf, { branch });
  const runExpiry = () => rpc.request<HoldExpiryReport>(HoldSubjects.expire, {});
  const transits = (extra: Record<string, unknown>) => rpc.request<Page<TransitView>>(TransitSubjects.list, extra);
  const catalogItem = (i: string) => rpc.request<ItemView>(CatalogSubjects.getItem, item(i));
  const catalogShows = (i: string, status: string, location: string) =>
    eventually(async () => {
      const it = await catalogItem(i);
      return it.status === status && it.currentLocation === location;
    });
  /** Travel in time: the hold's pickup deadline passed an hour ago. */
  const pickupDeadlinePassed = (holdId: string) =>
    db.query(`UPDATE loans.holds SET pickup_deadline = now() - interval '1 hour' WHERE id = $1`, [holdId]);

  beforeAll(async () => {
    await fx.start();
    ({ rpc, db } = fx);

    await rpc.request(CatalogSubjects.upsertAgency, { isil: TCL, name: '太仓市图书馆', kind: 'partner' });
    await fx.registerKsl([
      ['KSL-HQ', '花桥分馆', 'branch'],
      ['KSL-24H-1', '森林公园24小时自助图书馆', 'self_service_24h'],
      ['KSL-LOCKER-1', '智能书柜（市民中心）', 'locker'],
    ]);
    await rpc.request(CatalogSubjects.upsertBranch, {
      code: 'TCL-MAIN',
      agency: TCL,
      name: '太仓市图书馆总馆',
      kind: 'central',
    });

    await createPatron('P0000004', { name: '赵六', patronType: 'child' });
    for (const p of ['P-A', 'P-B', 'P-C', 'P-X', 'P-Y']) await createPatron(p);
    await createPatron('P-VI', { patronType: 'visually_impaired' });
    await createPatron('P-BLOCKED', { blocks: ['manual'] });
    await createPatron('P-EXPIRED', { cardExpiresOn: '2020-01-31' });
  });

  afterAll(() => fx.stop());

  it('done when: a hold placed by P0000004 (a child) is trapped at checkin, travels, and is ready on the pickup shelf', async () => {
    const recordId = await newRecord('小王子');
    await createItem('LP-1', recordId, { itemType: 'children_book' });
    await checkout('P-X', 'LP-1');

    const hold = await placeTitleHold('P0000004', recordId, 'KSL-ZS');
    expect(hold).toMatchObject({
      level: 'title',
      status: 'waiting',
      pickupBranch: 'KSL-ZS',
      agency: KSL,
      queuePosition: 1,
      priority: 0,
      placedBy: 'patron',
      title: '小王子',
    });
    expect((await summary('P0000004')).holds).toBe(1);

    // someone waits: the borrower may not renew
    await expect(renew('P-X', 'LP-1')).rejects.toMatchObject(refusal(ErrorCode.RenewalRefusedHolds));

    // returned at the central library: trapped for the child, and sent to 周市分馆
    const back = await checkin('LP-1', 'KSL-MAIN');
    expect(back).toMatchObject({
      wasOnLoan: true,
      destination: 'KSL-ZS',
      transit: true,
      sortBin: 'KSL-ZS',
      alerts: ['hold_transit'],
      hold: {
        holdId: hold.id,
        patron: patron('P0000004'),
        pickupBranch: 'KSL-ZS',
        status: 'in_transit',
        pickupDeadline: null,
      },
    });
    await catalogShows('LP-1', 'in_transit', 'KSL-MAIN');
    const incoming = await transits({ branch: 'KSL-ZS', direction: 'incoming' });
    expect(incoming.items).toEqual([
      expect.objectContaining({
        id: back.transitId,
        item: item('LP-1'),
        fromBranch: 'KSL-MAIN',
        toBranch: 'KSL-ZS',
        reason: 'hold',
        holdId: hold.id,
        status: 'open',
        routeCode: 'KSL-ZS',
      }),
    ]);
    // on its way to the child, nobody else may borrow it
    await expect(checkout('P-Y', 'LP-1')).rejects.toMatchObject(refusal(ErrorCode.ItemHeldForAnotherPatron));

    // arrives at 周市分馆: received, and on the hold shelf with a 7-day pickup deadline
    const before = new Date();
    const arrived = await rpc.request<CheckinResult>(TransitSubjects.receive, { item: item('LP-1'), branch: 'KSL-ZS' });
    expect(arrived).toMatchObject({
      wasOnLoan: false,
      destination: 'KSL-ZS',
      transit: false,
      sortBin: 'HOLDS',
      alerts: ['hold_shelf'],
      hold: { holdId: hold.id, status: 'ready' },
    });
    expect([addDays(localDate(before, SH), 7), addDays(localDate(new Date(), SH), 7)]).toContain(
      arrived.hold!.pickupDeadlineDate,
    );
    expect(arrived.hold!.pickupDeadline).toBe(
      new Date(`${arrived.hold!.pickupDeadlineDate}T23:59:59+08:00`).toISOString(),
    );
    expect((await transits({ branch: 'KSL-ZS', direction: 'incoming' })).items).toEqual([]);
    expect((await transits({ branch: 'KSL-ZS', status: 'received' })).items[0]).toMatchObject({
      receivedBranch: 'KSL-ZS',
      receivedAt: expect.any(String),
    });
    await catalogShows('LP-1', 'on_hold_shelf', 'KSL-ZS');
    expect((await holdById('P0000004', hold.id)).status).toBe('ready');
    expect((await shelf('KSL-ZS')).items).toEqual([
      expect.objectContaining({
        holdId: hold.id,
        patron: patron('P0000004'),
        item: item('LP-1'),
        title: '小王子',
        expired: false,
        action: 'keep',
      }),
    ]);

    // the notifier's event went through the outbox
    const { rows } = await db.query(
      `SELECT envelope FROM loans.outbox WHERE subject = 'events.loans.hold-ready.v1' AND envelope->'data'->>'holdId' = $1`,
      [hold.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].envelope.data).toMatchObject({
      patron: patron('P0000004'),
      pickupBranch: 'KSL-ZS',
      item: item('LP-1'),
      status: 'ready',
    });

    // only the child may take it off the shelf; doing so fills the hold
    await expect(checkout('P-Y', 'LP-1', 'KSL-ZS')).rejects.toMatchObject(refusal(ErrorCode.ItemHeldForAnotherPatron));
    const { loan } = await checkout('P0000004', 'LP-1', 'KSL-ZS');
    const filled = await holdById('P0000004', hold.id);
    expect(filled).toMatchObject({ status: 'fulfilled', endReason: 'fulfilled', loanId: loan.id });
    expect((await summary('P0000004')).holds).toBe(0);
    expect((await shelf('KSL-ZS')).items).toEqual([]);
    await catalogShows('LP-1', 'on_loan', 'KSL-ZS');
  });

  it('validates a new hold: patron, target, pickup location, duplicates and copies the patron already has', async () => {
    const recordId = await newRecord('活着');
    await createItem('V-1', recordId);
    await createItem('V-REF', recordId, { itemType: 'reference' });
    await checkout('P-B', 'V-1');
    const noCopies = await newRecord('无馆藏的书');

    await expect(placeTitleHold('P-BLOCKED', recordId, 'KSL-MAIN')).rejects.toMatchObject(
      refusal(ErrorCode.PatronBlocked),
    );
    await expect(placeTitleHold('P-EXPIRED', recordId, 'KSL-MAIN')).rejects.toMatchObject(
      refusal(ErrorCode.CardExpired),
    );
    await expect(placeTitleHold('P-NOBODY', recordId, 'KSL-MAIN')).rejects.toMatchObject(
      refusal(ErrorCode.PatronUnknown),
    );
    await expect(placeItemHold('P-A', 'NO-SUCH', 'KSL-MAIN')).rejects.toMatchObject(refusal(ErrorCode.ItemUnknown));
    await expect(placeItemHold('P-A', 'V-REF', 'KSL-MAIN')).rejects.toMatchObject(refusal(ErrorCode.ItemNotLoanable));
    await expect(placeTitleHold('P-A', noCopies, 'KSL-MAIN')).rejects.toMatchObject(refusal(ErrorCode.HoldNotAllowed));
    await expect(placeTitleHold('P-A', recordId, 'KSL-24H-1')).rejects.toMatchObject(
      refusal(ErrorCode.HoldPickupInvalid),
    );
    await expect(placeTitleHold('P-A', recordId, 'TCL-MAIN')).rejects.toMatchObject(
      refusal(ErrorCode.HoldPickupInvalid),
    );
    await expect(placeTitleHold('P-A', recordId, 'KSL-NOWHERE')).rejects.toMatchObject(
      refusal(ErrorCode.BranchUnknown),
    );
    await expect(
      rpc.request(HoldSubjects.place, { patron: patron('P-A'), recordId, item: item('V-1'), pickupBranch: 'KSL-MAIN' }),
    ).rejects.toMatchObject(refusal(ErrorCode.ValidationFailed));
    await expect(placeTitleHold('P-A', recordId, 'KSL-MAIN', { priority: 90 })).rejects.toMatchObject(
      refusal(ErrorCode.ValidationFailed),
    );
    await expect(placeTitleHold('P-A', recordId, 'KSL-MAIN', { notNeededAfter: '2020-01-01' })).rejects.toMatchObject(
      refusal(ErrorCode.ValidationFailed),
    );
    // the borrower cannot queue for what they have
    await expect(placeTitleHold('P-B', recordId, 'KSL-MAIN')).rejects.toMatchObject(
      refusal(ErrorCode.HoldPatronHasItem),
    );
    await expect(placeItemHold('P-B', 'V-1', 'KSL-MAIN')).rejects.toMatchObject(refusal(ErrorCode.HoldPatronHasItem));

    // a smart locker is a pickup location
    const ok = await placeTitleHold('P-A', recordId, 'KSL-LOCKER-1', { channel: 'o2o' });
    expect(ok).toMatchObject({ status: 'waiting', pickupBranch: 'KSL-LOCKER-1' });
    await expect(placeTitleHold('P-A', recordId, 'KSL-MAIN')).rejects.toMatchObject(
      refusal(ErrorCode.HoldAlreadyPlaced),
    );
    await expect(placeItemHold('P-A', 'V-1', 'KSL-ZS')).rejects.toMatchObject(refusal(ErrorCode.HoldAlreadyPlaced));

    // cancelling: a patron may cancel only their own
    await expect(rpc.request(HoldSubjects.cancel, { holdId: ok.id, patron: patron('P-C') })).rejects.toMatchObject(
      refusal(ErrorCode.HoldNotFound),
    );
    const cancelled = await rpc.request<HoldView>(HoldSubjects.cancel, { holdId: ok.id, patron: patron('P-A') });
    expect(cancelled).toMatchObject({ status: 'cancelled', endReason: 'cancelled_by_patron' });
    await expect(rpc.request(HoldSubjects.cancel, { holdId: ok.id })).rejects.toMatchObject(
      refusal(ErrorCode.HoldNotCancellable),
    );
    // and may place it again
    await expect(placeTitleHold('P-A', recordId, 'KSL-MAIN')).resolves.toMatchObject({ status: 'waiting' });
  });

  it('serves the queue by priority then placement time; expired pickups and cancellations pass the copy on', async () => {
    const recordId = await newRecord('三体');
    await createItem('Q-1', recordId);
    await checkout('P-Y', 'Q-1');

    const a = await placeTitleHold('P-A', recordId, 'KSL-MAIN');
    const b = await placeTitleHold('P-B', recordId, 'KSL-MAIN', {
      notNeededAfter: addDays(localDate(new Date(), SH), 30),
    });
    const vi = await placeTitleHold('P-VI', recordId, 'KSL-MAIN'); // visually impaired readers: priority 10 (hold_priority_rules)
    const staff = await placeTitleHold('P-C', recordId, 'KSL-MAIN', { placedBy: 'staff', priority: 50 });
    expect(vi.priority).toBe(10);
    expect((await queue(recordId)).map((h) => [h.patron.barcode, h.queuePosition])).toEqual([
      ['P-C', 1],
      ['P-VI', 2],
      ['P-A', 3],
      ['P-B', 4],
    ]);

    // returned at its pickup branch: straight onto the shelf for the first in the queue
    const back = await checkin('Q-1', 'KSL-MAIN');
    expect(back).toMatchObject({
      destination: 'KSL-MAIN',
      transit: false,
      sortBin: 'HOLDS',
      alerts: ['hold_shelf'],
      hold: { holdId: staff.id, status: 'ready' },
    });
    await catalogShows('Q-1', 'on_hold_shelf', 'KSL-MAIN');
    // a rescan changes nothing
    await expect(checkin('Q-1', 'KSL-MAIN')).resolves.toMatchObject({
      hold: { holdId: staff.id, status: 'ready' },
      sortBin: 'HOLDS',
    });

    // not collected in time: the job expires it and relabels the copy for the next (same shelf)
    await pickupDeadlinePassed(staff.id);
    expect((await shelf('KSL-MAIN')).items).toEqual([
      expect.objectContaining({ holdId: staff.id, expired: true, action: 'pull' }),
    ]);
    expect(await runExpiry()).toEqual({ notNeededExpired: 0, pickupExpired: 1, reassigned: 1 });
    expect(await holdById('P-C', staff.id)).toMatchObject({ status: 'expired', endReason: 'pickup_expired' });
    expect(await holdById('P-VI', vi.id)).toMatchObject({ status: 'ready', trappedItem: item('Q-1') });
    expect((await shelf('KSL-MAIN')).items).toEqual([
      expect.objectContaining({ holdId: vi.id, expired: false, action: 'keep' }),
    ]);
    expect(await runExpiry()).toEqual({ notNeededExpired: 0, pickupExpired: 0, reassigned: 0 });

    // P-B no longer needs it
    await db.query(`UPDATE loans.holds SET not_needed_after = current_date - 1 WHERE id = $1`, [b.id]);
    expect(await runExpiry()).toEqual({ notNeededExpired: 1, pickupExpired: 0, reassigned: 0 });
    expect(await holdById('P-B', b.id)).toMatchObject({ status: 'expired', endReason: 'not_needed_after' });

    // staff cancel P-VI's ready hold: the copy goes to P-A at once
    await rpc.request(HoldSubjects.cancel, { holdId: vi.id });
    expect(await holdById('P-VI', vi.id)).toMatchObject({ status: 'cancelled', endReason: 'cancelled_by_staff' });
    expect(await holdById('P-A', a.id)).toMatchObject({ status: 'ready', trappedItem: item('Q-1') });

    // P-A does not come either: nobody is left, the copy comes off the hold shelf (a "pull" entry) back to the open shelf
    await pickupDeadlinePassed(a.id);
    expect(await runExpiry()).toEqual({ notNeededExpired: 0, pickupExpired: 1, reassigned: 0 });
    expect((await shelf('KSL-MAIN')).items).toEqual([
      expect.objectContaining({ holdId: a.id, expired: true, action: 'pull' }),
    ]);
    await catalogShows('Q-1', 'available', 'KSL-MAIN');
    await expect(checkin('Q-1', 'KSL-MAIN')).resolves.toMatchObject({
      hold: null,
      destination: 'KSL-MAIN',
      transit: false,
      sortBin: null,
    });
    expect((await shelf('KSL-MAIN')).items).toEqual([]);
    // free again for anyone
    await expect(checkout('P-Y', 'Q-1')).resolves.toBeDefined();
  });

  it('sends an expired pickup to the next hold at another branch', async () => {
    const recordId = await newRecord('围城');
    await createItem('N-1', recordId);
    await checkout('P-Y', 'N-1');
    const first = await placeTitleHold('P-A', recordId, 'KSL-MAIN');
    const second = await placeTitleHold('P-B', recordId, 'KSL-HQ');
    await checkin('N-1', 'KSL-MAIN');
    await pickupDeadlinePassed(first.id);
    expect(await runExpiry()).toEqual({ notNeededExpired: 0, pickupExpired: 1, reassigned: 1 });
    expect(await holdById('P-B', second.id)).toMatchObject({ status: 'in_transit', trappedItem: item('N-1') });
    expect((await transits({ branch: 'KSL-MAIN', direction: 'outgoing' })).items).toEqual([
      expect.objectContaining({ item: item('N-1'), toBranch: 'KSL-HQ', reason: 'hold', holdId: second.id }),
    ]);
    // staff pull it from the shelf: a scan at the shelf branch keeps the same transit
    const pulled = await checkin('N-1', 'KSL-MAIN');
    expect(pulled).toMatchObject({
      destination: 'KSL-HQ',
      transit: true,
      alerts: ['hold_transit'],
      hold: { holdId: second.id, status: 'in_transit' },
    });
    expect((await transits({ branch: 'KSL-MAIN', direction: 'outgoing' })).total).toBe(1);
    expect((await shelf('KSL-MAIN')).items).toEqual([]);
    await expect(checkin('N-1', 'KSL-HQ')).resolves.toMatchObject({
      hold: { holdId: second.id, status: 'ready' },
      sortBin: 'HOLDS',
    });
  });

  it('fills an item-level hold only with that copy', async () => {
    const recordId = await newRecord('边城');
    await createItem('IL-1', recordId);
    await createItem('IL-2', recordId);
    await checkout('P-Y', 'IL-1');
    await checkout('P-X', 'IL-2');
    const hold = await placeItemHold('P-A', 'IL-2', 'KSL-MAIN');
    expect(hold).toMatchObject({ level: 'item', item: item('IL-2') });
    // a copy's queue: its own item-level hold; the caller may pass the record it already knows (SIP2 17)
    const copyQueue = (i: string, extra: Record<string, unknown> = {}) =>
      rpc.request<Page<HoldView>>(HoldSubjects.list, { item: item(i), ...extra });
    expect((await copyQueue('IL-2')).items.map((h) => h.id)).toEqual([hold.id]);
    expect(await copyQueue('IL-2', { itemRecordId: recordId })).toEqual(await copyQueue('IL-2'));
    expect((await copyQueue('IL-1', { itemRecordId: recordId })).items).toEqual([]);
    await expect(renew('P-Y', 'IL-1')).resolves.toBeDefined(); // nobody waits for IL-1
    await expect(checkin('IL-1', 'KSL-MAIN')).resolves.toMatchObject({ hold: null });
    await expect(checkin('IL-2', 'KSL-MAIN')).resolves.toMatchObject({ hold: { holdId: hold.id, status: 'ready' } });
  });

  it('sets a copy aside at once for an O2O order (setAside): only one set-aside wins, desks cannot lend it, its reader can', async () => {
    const recordId = await newRecord('长安的荔枝');
    await createItem('SA-1', recordId);
    await createItem('SA-2', recordId);
    await checkout('P-C', 'SA-2');
    await expect(placeTitleHold('P-A', recordId, 'KSL-LOCKER-1', { setAside: true })).rejects.toMatchObject(
      refusal(ErrorCode.ValidationFailed),
    );
    await expect(placeItemHold('P-A', 'SA-2', 'KSL-LOCKER-1', { setAside: true })).rejects.toMatchObject(
      refusal(ErrorCode.ItemAlreadyOnLoan),
    );

    // racing set-asides of one copy: the database lets exactly one through
    const tries = await Promise.allSettled(
      ['P-A', 'P-B', 'P-X'].map((p) => placeItemHold(p, 'SA-1', 'KSL-LOCKER-1', { setAside: true, channel: 'o2o' })),
    );
    const won = tries.filter((t): t is PromiseFulfilledResult<HoldView> => t.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const t of tries.filter((x) => x.status === 'rejected'))
      expect(t).toMatchObject({ reason: refusal(ErrorCode.ItemHeldForAnotherPatron) });
    const hold = won[0].value;
    expect(hold).toMatchObject({ status: 'in_transit', trappedItem: item('SA-1'), pickupBranch: 'KSL-LOCKER-1' });

    const winner = hold.patron.barcode;
    const other = winner === 'P-Y' ? 'P-VI' : 'P-Y';
    await expect(checkout(other, 'SA-1')).rejects.toMatchObject(refusal(ErrorCode.ItemHeldForAnotherPatron));
    await expect(fx.checkout(winner, 'SA-1', { branch: 'KSL-LOCKER-1', channel: 'locker' })).resolves.toMatchObject({
      loan: { channel: 'locker' },
    });
    expect(await holdById(winner, hold.id)).toMatchObject({ status: 'fulfilled' });
  });

  it('lists the copies a branch should pull for waiting holds', async () => {
    const recordId = await newRecord('城南旧事');
    await createItem('PK-ZS', recordId, { homeBranch: 'KSL-ZS' });
    await createItem('PK-MAIN', recordId);
    await createItem('PK-OUT', recordId, { homeBranch: 'KSL-ZS' });
    await checkout('P-X', 'PK-OUT', 'KSL-ZS');
    const hold = await placeTitleHold('P-C', recordId, 'KSL-ZS');

    const zs = await rpc.request<PickList>(HoldSubjects.pickList, { branch: 'KSL-ZS' });
    expect(zs.items.filter((e) => e.recordId === recordId)).toEqual([
      expect.objectContaining({
        item: item('PK-ZS'),
        title: '城南旧事',
        hold: expect.objectContaining({ id: hold.id, patron: patron('P-C'), pickupBranch: 'KSL-ZS' }),
      }),
    ]);
    // the same hold is not also on the central library's list
    const main = await rpc.request<PickList>(HoldSubjects.pickList, { branch: 'KSL-MAIN' });
    expect(main.items.filter((e) => e.recordId === recordId)).toEqual([]);

    // pulled and scanned: on the shelf, off the pick list
    await expect(checkin('PK-ZS', 'KSL-ZS')).resolves.toMatchObject({
      wasOnLoan: false,
      hold: { holdId: hold.id, status: 'ready' },
    });
    const after = await rpc.request<PickList>(HoldSubjects.pickList, { branch: 'KSL-ZS' });
    expect(after.items.filter((e) => e.recordId === recordId)).toEqual([]);
    await expect(rpc.request(HoldSubjects.pickList, { branch: 'KSL-NOWHERE' })).rejects.toMatchObject(
      refusal(ErrorCode.BranchUnknown),
    );
  });

  it('stays consistent under races: two copies returned at once fill two holds; two replicas expire a hold once', async () => {
    const replica = await startTestService({
      name: 'loans',
      envClass: LoansEnvDto,
      env: fx.env.env({ LIBRARY_TIMEZONE: SH, HOLD_EXPIRY_INTERVAL_MS: '0' }),
      register: LoansModule.register,
    });
    try {
      const recordId = await newRecord('白鹿原');
      await createItem('RC-1', recordId);
      await createItem('RC-2', recordId);
      await checkout('P-X', 'RC-1');
      await checkout('P-Y', 'RC-2');
      const h1 = await placeTitleHold('P-A', recordId, 'KSL-MAIN');
      const h2 = await placeTitleHold('P-B', recordId, 'KSL-MAIN');
      const [r1, r2] = await Promise.all([checkin('RC-1', 'KSL-MAIN'), checkin('RC-2', 'KSL-MAIN')]);
      expect([r1.hold?.holdId, r2.hold?.holdId].sort()).toEqual([h1.id, h2.id].sort());

      await pickupDeadlinePassed(h1.id);
      // requests spread over both replicas (one NATS queue group), several passes at once
      // (calls that meet a pass already running in a replica share its report)
      const reports = await Promise.all(Array.from({ length: 6 }, () => runExpiry()));
      expect(reports.every((r) => r.pickupExpired <= 1)).toBe(true);
      expect(await holdById('P-A', h1.id)).toMatchObject({ status: 'expired' });
      const { rows } = await db.query(
        `SELECT count(*)::int AS n FROM loans.outbox WHERE subject = 'events.loans.hold-expired.v1' AND envelope->'data'->>'holdId' = $1`,
        [h1.id],
      );
      expect(rows[0].n).toBe(1);
    } finally {
      await replica.close();
    }
  });

  it('returns anywhere: books travel home with a route code, floating types stay where returned', async () => {
    const recordId = await newRecord('朝花夕拾');
    await rpc.request(TransitSubjects.upsertFloatingRule, { agency: KSL, itemType: 'children_book', floats: true });
    expect(await rpc.request(TransitSubjects.listFloatingRules, {})).toEqual(
      expect.arrayContaining([{ agency: KSL, itemType: 'children_book', floats: true }]),
    );
    await createItem('RA-BOOK', recordId);
    await createItem('RA-KIDS', recordId, { itemType: 'children_book' });
    await checkout('P-A', 'RA-BOOK');
    await checkout('P-B', 'RA-KIDS');

    // a children's book returned at a 24-hour library stays there
    const kids = await checkin('RA-KIDS', 'KSL-24H-1');
    expect(kids).toMatchObject({
      wasOnLoan: true,
      destination: 'KSL-24H-1',
      transit: false,
      sortBin: null,
      transitId: null,
      loan: { returnBranch: 'KSL-24H-1' },
    });
    await catalogShows('RA-KIDS', 'available', 'KSL-24H-1');

    // a book returned at 花桥 travels home to the central library
    const book = await checkin('RA-BOOK', 'KSL-HQ');
    expect(book).toMatchObject({
      destination: 'KSL-MAIN',
      transit: true,
      sortBin: 'KSL-MAIN',
      hold: null,
      loan: { returnBranch: 'KSL-HQ' },
    });
    await catalogShows('RA-BOOK', 'in_transit', 'KSL-HQ');
    expect((await transits({ branch: 'KSL-HQ', direction: 'outgoing' })).items).toEqual([
      expect.objectContaining({
        id: book.transitId,
        item: item('RA-BOOK'),
        fromBranch: 'KSL-HQ',
        toBranch: 'KSL-MAIN',
        reason: 'home',
        status: 'open',
      }),
    ]);

    // the van drops it at 周市 by mistake: re-routed from there
    const detour = await checkin('RA-BOOK', 'KSL-ZS');
    expect(detour).toMatchObject({ destination: 'KSL-MAIN', transit: true });
    expect(detour.transitId).not.toBe(book.transitId);
    expect((await transits({ branch: 'KSL-HQ', status: 'cancelled' })).items.map((t) => t.id)).toContain(
      book.transitId,
    );

    // received at home: back on the open shelf
    await expect(
      rpc.request(TransitSubjects.receive, { item: item('RA-BOOK'), branch: 'KSL-MAIN' }),
    ).resolves.toMatchObject({ destination: 'KSL-MAIN', transit: false });
    expect((await transits({ branch: 'KSL-MAIN', direction: 'incoming' })).items).toEqual([]);
    await catalogShows('RA-BOOK', 'available', 'KSL-MAIN');
    const { rows } = await db.query(`SELECT return_branch FROM loans.loans WHERE item_barcode = 'RA-BOOK'`);
    expect(rows).toEqual([{ return_branch: 'KSL-HQ' }]); // the return location stays on the loan for statistics
  });

  it('the common path skips hold/transit work without changing what happens (record_id on insert, probed routing)', async () => {
    const recordId = await newRecord('呐喊');
    await createItem('CP-1', recordId);
    for (const p of ['P-CP1', 'P-CP2', 'P-CP3']) await createPatron(p);
    const itemStatusEvents = async (i: string) =>
      (
        await db.query(
          `SELECT count(*)::int AS n FROM loans.outbox WHERE subject = 'events.loans.item-status-changed.v1' AND envelope::text LIKE $1`,
          [`%"${i}"%`],
        )
      ).rows[0].n;

    // checkout keeps the title on the loan row (written by the INSERT itself)
    const first = await checkout('P-CP1', 'CP-1');
    expect((await db.query(`SELECT record_id FROM loans.loans WHERE id = $1`, [first.loan.id])).rows).toEqual([
      { record_id: recordId },
    ]);

    // returned at its home branch with nothing waiting: stays, and no item-status event beside loan-closed
    expect(await checkin('CP-1', 'KSL-MAIN')).toMatchObject({
      wasOnLoan: true,
      destination: 'KSL-MAIN',
      transit: false,
      hold: null,
      sortBin: null,
      transitId: null,
      alerts: [],
    });
    expect(await itemStatusEvents('CP-1')).toBe(0);
    await catalogShows('CP-1', 'available', 'KSL-MAIN');

    // returned elsewhere it travels home; lent from there before it left, the transit ends
    await checkout('P-CP1', 'CP-1');
    const away = await checkin('CP-1', 'KSL-HQ');
    expect(away).toMatchObject({ destination: 'KSL-MAIN', transit: true });
    const second = await checkout('P-CP2', 'CP-1', 'KSL-HQ');
    expect((await transits({ branch: 'KSL-HQ', status: 'cancelled' })).items.map((t) => t.id)).toContain(
      away.transitId,
    );
    expect((await db.query(`SELECT record_id FROM loans.loans WHERE id = $1`, [second.loan.id])).rows).toEqual([
      { record_id: recordId },
    ]);

    // someone else waits for the title: renewal is refused (title read with the locked loan) and the return traps the hold
    const hold = await placeTitleHold('P-CP3', recordId, 'KSL-MAIN');
    expect((await summary('P-CP3')).holds).toBe(1);
    await expect(renew('P-CP2', 'CP-1')).rejects.toMatchObject(refusal(ErrorCode.RenewalRefusedHolds));
    expect(await checkin('CP-1', 'KSL-MAIN')).toMatchObject({
      destination: 'KSL-MAIN',
      transit: false,
      sortBin: 'HOLDS',
      hold: expect.objectContaining({ holdId: hold.id, status: 'ready' }),
    });
    expect(await summary('P-CP2')).toEqual({
      patron: patron('P-CP2'),
      openLoans: 0,
      overdueLoans: 0,
      holds: 0,
      finesFen: 0,
    });
  });
});
