import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { e2eEnv } from './e2e-env';

/**
 * O2O lending (书香鹿城) through the real suite: the reader app (token), staff desk (API key), the
 * locker controllers (device keys from the demo seed) and the notifier's webhook, which is the only
 * place a pickup code shows up.
 */
const env = e2eEnv();
const KSL = 'CN-320583-1-KSL';
const BC = 'demo-locker-bc-key';
const WXH = 'demo-locker-wxh-key';

interface Res {
  status: number;
  body: any;
}

async function api(method: string, url: string, body?: unknown, key: string | null = env.apiKey): Promise<Res> {
  const res = await fetch(`${env.gatewayUrl}${url}`, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const rid = (tag: string) => `e2e-${tag}-${randomBytes(6).toString('hex')}`;
const step = (orderId: string, name: string, extra: Record<string, unknown> = {}) =>
  api('POST', `/api/delivery/orders/${orderId}/${name}`, { requestId: rid(name), ...extra });

async function login(barcode: string, pin = '1234'): Promise<string> {
  const res = await api('POST', '/api/reader/login', { agency: KSL, barcode, pin }, null);
  expect(res.status).toBe(200);
  return res.body.token;
}

/** Poll until check() gives a value (notices and catalog status follow events). */
async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Notice {
  eventId: string;
  orderId: string;
  template: string;
  params: Record<string, string>;
  text: string;
}
const notices = async (): Promise<Notice[]> => (await (await fetch(`${env.noticeSinkUrl}/notices`)).json()) as Notice[];
/** the newest ready notice's code for an order, once `count` ready notices arrived */
const codeFor = (orderId: string, count = 1) =>
  eventually(async () => {
    const ready = (await notices()).filter((n) => n.orderId === orderId && n.template === 'ready');
    return ready.length >= count ? ready[ready.length - 1].params.code : null;
  }, `ready notice ${count} for ${orderId}`);

let seq = 0;
/** a title with `copies` copies on the KSL-O2O shelf, owned by this spec */
async function stockTitle(title: string, copies = 1): Promise<{ recordId: string; barcodes: string[] }> {
  const rec = await api('POST', '/api/records', { title: `${title} ${randomBytes(3).toString('hex')}`, author: 'e2e' });
  expect(rec.status).toBe(201);
  const barcodes: string[] = [];
  for (let i = 0; i < copies; i++) {
    const barcode = `OE${process.pid % 1000}${String(++seq).padStart(4, '0')}`;
    const item = await api('POST', '/api/items', {
      agency: KSL,
      barcode,
      recordId: rec.body.id,
      itemType: 'book',
      homeBranch: 'KSL-O2O',
      loanable: true,
      priceFen: 3000,
    });
    expect(item.status).toBe(201);
    barcodes.push(barcode);
  }
  return { recordId: rec.body.id, barcodes };
}

async function createPatron(barcode: string): Promise<void> {
  const res = await api('POST', '/api/patrons', {
    agency: KSL,
    barcode,
    name: `读者${barcode}`,
    patronType: 'adult',
    homeBranch: 'KSL-MAIN',
    cardExpiresOn: '2030-12-31',
    pin: '2468',
  });
  expect([201, 409]).toContain(res.status);
}

/** order → pick → pack → dispatch → deposit at a locker; answers the order id, compartment and code */
async function toLocker(
  token: string,
  recordIds: string[],
  locker: 'KSL-LK-BC' | 'KSL-LK-WXH',
): Promise<{ orderId: string; compartment: number; code: string; deadline: string }> {
  const order = await api('POST', '/api/reader/orders', { titles: recordIds, mode: 'locker', locker }, token);
  expect(order.status).toBe(201);
  const id = order.body.id;
  for (const s of ['pick', 'pack', 'dispatch']) expect((await step(id, s)).status).toBe(200);
  const dep = await api(
    'POST',
    '/api/device/deposit',
    { requestId: rid('deposit'), orderId: id },
    locker === 'KSL-LK-BC' ? BC : WXH,
  );
  expect(dep.status).toBe(200);
  expect(dep.body).toMatchObject({ status: 'in_locker', compartment: expect.any(Number) });
  return { orderId: id, compartment: dep.body.compartment, code: await codeFor(id), deadline: dep.body.pickupDeadline };
}

/** a reader of this spec (the demo readers other than P0000001 belong to the other specs) */
async function newReader(tag: string): Promise<{ barcode: string; token: string }> {
  const barcode = `PO${tag}${process.pid % 1000}${randomBytes(2).toString('hex')}`;
  await createPatron(barcode);
  return { barcode, token: await login(barcode, '2468') };
}

const wrongCode = (code: string) => code.slice(0, -1) + String((Number(code.slice(-1)) + 1) % 10);

describe('O2O lending through lockers and home delivery (e2e)', () => {
  it('P0000001 orders two titles to a locker, collects them with the code, returns one into another locker', async () => {
    const token = await login('P0000001');
    const stock = await api('GET', '/api/reader/stock?limit=50', undefined, token);
    expect(stock.status).toBe(200);
    const titles = stock.body.items.filter((t: { available: number }) => t.available > 0).slice(0, 2);
    expect(titles).toHaveLength(2);

    const order = await api(
      'POST',
      '/api/reader/orders',
      { titles: titles.map((t: { recordId: string }) => t.recordId), mode: 'locker', locker: 'KSL-LK-BC' },
      token,
    );
    expect(order.status).toBe(201);
    expect(order.body).toMatchObject({ status: 'placed', mode: 'locker', locker: 'KSL-LK-BC' });
    expect(order.body.items).toHaveLength(2);
    const id: string = order.body.id;
    const [first, second] = order.body.items.map((i: { item: { barcode: string } }) => i.item.barcode);

    // the copies are really reserved: a desk cannot lend one to somebody else
    const desk = await api('POST', '/api/circulation/checkout', {
      patron: { agency: KSL, barcode: 'P0000004' },
      item: { agency: KSL, barcode: first },
      branch: 'KSL-MAIN',
    });
    expect(desk.status).toBe(409);
    expect(desk.body.code).toBe('ITEM_HELD_FOR_ANOTHER_PATRON');

    const pick = await api('GET', '/api/delivery/pick-list?location=KSL-O2O');
    expect(
      pick.body.entries
        .filter((e: { orderId: string }) => e.orderId === id)
        .map((e: { item: { barcode: string } }) => e.item.barcode)
        .sort(),
    ).toEqual([first, second].sort());
    for (const s of ['pick', 'pack', 'dispatch'])
      expect((await step(id, s)).body.status).toBe(s === 'pick' ? 'picked' : s === 'pack' ? 'packed' : 'dispatched');

    // deposit, retried with the same request id: the same compartment, one deposit
    const depositId = rid('deposit');
    const dep = await api('POST', '/api/device/deposit', { requestId: depositId, orderId: id }, BC);
    expect(dep.status).toBe(200);
    expect(dep.body).toMatchObject({ orderId: id, status: 'in_locker', compartment: expect.any(Number) });
    expect((await api('POST', '/api/device/deposit', { requestId: depositId, orderId: id }, BC)).body).toEqual(
      dep.body,
    );
    const compartment: number = dep.body.compartment;
    const code = await codeFor(id);
    expect(code).toMatch(/^\d{8}$/);

    // a wrong code fails and is counted; the retry of that call is not counted again
    const wrongId = rid('pickup');
    const wrong = await api(
      'POST',
      '/api/device/pickup',
      { requestId: wrongId, patron: { agency: KSL, barcode: 'P0000001' }, code: wrongCode(code) },
      BC,
    );
    expect(wrong.status).toBe(200);
    expect(wrong.body).toMatchObject({
      door: 'shut',
      reason: 'PICKUP_CODE_INVALID',
      failedAttempts: 1,
      attemptsLeft: 4,
    });
    expect(
      (
        await api(
          'POST',
          '/api/device/pickup',
          { requestId: wrongId, patron: { agency: KSL, barcode: 'P0000001' }, code: wrongCode(code) },
          BC,
        )
      ).body,
    ).toEqual(wrong.body);
    const mine = await api('GET', `/api/reader/orders/${id}`, undefined, token);
    expect(mine.body.code).toMatchObject({ failedAttempts: 1, locked: false });

    // the right code opens the door: both books are lent (channel locker) with due dates
    const pickupId = rid('pickup');
    const open = await api(
      'POST',
      '/api/device/pickup',
      { requestId: pickupId, patron: { agency: KSL, barcode: 'P0000001' }, code },
      BC,
    );
    expect(open.body).toMatchObject({ door: 'open', compartment, orderId: id });
    expect(open.body.loans).toHaveLength(2);
    for (const l of open.body.loans) expect(l.dueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // retried: the same answer, no second checkout
    expect(
      (
        await api(
          'POST',
          '/api/device/pickup',
          { requestId: pickupId, patron: { agency: KSL, barcode: 'P0000001' }, code },
          BC,
        )
      ).body,
    ).toEqual(open.body);
    // the code is spent
    const again = await api(
      'POST',
      '/api/device/pickup',
      { requestId: rid('pickup'), patron: { agency: KSL, barcode: 'P0000001' }, code },
      BC,
    );
    expect(again.body.door).toBe('shut');

    const loans = await api('GET', `/api/patrons/${KSL}/P0000001/loans`);
    for (const barcode of [first, second]) {
      const loan = loans.body.items.find((l: { item: { barcode: string } }) => l.item.barcode === barcode);
      expect(loan).toMatchObject({
        channel: 'locker',
        checkoutBranch: 'KSL-LK-BC',
        status: 'open',
        dueDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      });
    }

    const closedId = rid('door');
    const closed = await api('POST', '/api/device/door-closed', { requestId: closedId, compartment }, BC);
    expect(closed.body).toMatchObject({ number: compartment, state: 'free' });
    expect((await api('POST', '/api/device/door-closed', { requestId: closedId, compartment }, BC)).body).toEqual(
      closed.body,
    );

    // one book back into the other locker: a checkin there, then home to the lending stock
    const retId = rid('return');
    const ret = await api(
      'POST',
      '/api/device/return',
      { requestId: retId, item: { agency: KSL, barcode: first } },
      WXH,
    );
    expect(ret.status).toBe(200);
    expect(ret.body).toMatchObject({ locker: 'KSL-LK-WXH', orderId: id, destination: 'KSL-O2O', transit: true });
    expect(
      (await api('POST', '/api/device/return', { requestId: retId, item: { agency: KSL, barcode: first } }, WXH)).body,
    ).toEqual(ret.body);
    const after = await api('GET', `/api/patrons/${KSL}/P0000001/loans`);
    expect(
      after.body.items.find(
        (l: { item: { barcode: string }; status: string }) => l.item.barcode === first && l.status === 'open',
      ),
    ).toBeUndefined();
    expect(after.body.items.find((l: { item: { barcode: string } }) => l.item.barcode === second)).toMatchObject({
      status: 'open',
    });

    // the timeline says who did what, where; every retried call appears once
    const full = await api('GET', `/api/delivery/orders/${id}`);
    const actions = full.body.timeline.map((t: { action: string }) => t.action);
    expect(actions).toEqual([
      'placed',
      'pick',
      'pack',
      'dispatch',
      'deposited',
      'wrong_code',
      'collected',
      'door_closed',
      'item_returned',
    ]);
    expect(full.body.timeline.find((t: { action: string }) => t.action === 'item_returned').actor).toEqual({
      kind: 'device',
      id: 'locker-ksl-lk-wxh',
      location: 'KSL-LK-WXH',
    });
    expect(full.body.items.map((i: { state: string }) => i.state).sort()).toEqual(['loaned', 'returned']);

    // the code reached the reader's notice and nothing else
    const ready = (await notices()).find((n) => n.orderId === id && n.template === 'ready')!;
    expect(ready.text).toContain(code);
    expect(JSON.stringify(full.body)).not.toContain(code);
    const log = fs.readFileSync(path.join(env.dataDir, 'services.log'), 'utf8');
    expect(log).not.toContain(code);

    // the book kept past its due day: one overdue notice, however often the job runs
    const due = open.body.loans.find((l: { item: { barcode: string } }) => l.item.barcode === second).dueDate;
    const late = new Date(`${due}T12:00:00+08:00`).getTime() + 2 * 86_400_000;
    const overdue = await api('POST', '/api/delivery/jobs/run', { at: new Date(late).toISOString() });
    expect(overdue.body.overdue).toBeGreaterThanOrEqual(1);
    expect(
      (await api('POST', '/api/delivery/jobs/run', { at: new Date(late + 3_600_000).toISOString() })).body.overdue,
    ).toBe(0);
    const notice = await eventually(
      async () => (await notices()).find((n) => n.orderId === id && n.template === 'overdue'),
      'overdue notice',
    );
    expect(notice.text).toContain(due);
  });

  it('every device call carries a request id: the same id from another locker or for another call is refused', async () => {
    const { recordId } = await stockTitle('重用请求号');
    const { barcode: reader, token } = await newReader('R');
    const { orderId, code } = await toLocker(token, [recordId], 'KSL-LK-WXH');
    const id = rid('reuse');
    const shut = await api(
      'POST',
      '/api/device/pickup',
      { requestId: id, patron: { agency: KSL, barcode: reader }, code: wrongCode(code) },
      WXH,
    );
    expect(shut.body.door).toBe('shut');
    // the same id for a different call is a conflict, not a replay of the other answer
    const reused = await api('POST', '/api/device/door-closed', { requestId: id, compartment: 1 }, WXH);
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('REQUEST_ID_REUSED');
    // a staff key cannot call the device API, a device key cannot call staff endpoints
    expect(
      (
        await api(
          'POST',
          '/api/device/pickup',
          { requestId: rid('x'), patron: { agency: KSL, barcode: reader }, code },
          env.apiKey,
        )
      ).status,
    ).toBe(403);
    expect((await api('GET', '/api/delivery/clearance', undefined, WXH)).status).toBe(403);
    // a reader sees only their own orders
    const other = await login('P0000001');
    expect((await api('GET', `/api/reader/orders/${orderId}`, undefined, other)).status).toBe(404);
    const open = await api(
      'POST',
      '/api/device/pickup',
      { requestId: rid('pickup'), patron: { agency: KSL, barcode: reader }, code },
      WXH,
    );
    expect(open.body).toMatchObject({ door: 'open', orderId });
  });

  it('a locker controller says it is alive with its key alone; staff see when each site was last heard', async () => {
    const beat = await api('POST', '/api/device/heartbeat', undefined, WXH);
    expect(beat.status).toBe(200);
    expect(beat.body).toMatchObject({ locker: 'KSL-LK-WXH', online: true });
    const sites = await api('GET', '/api/delivery/lockers');
    const wxh = (sites.body as { code: string; lastSeenAt: string | null; silent: boolean }[]).find(
      (l) => l.code === 'KSL-LK-WXH',
    )!;
    expect(new Date(wxh.lastSeenAt!).getTime()).toBeGreaterThanOrEqual(new Date(beat.body.lastSeenAt).getTime());
    expect(wxh.silent).toBe(false);
    // only a device key bound to a site may say so
    expect((await api('POST', '/api/device/heartbeat', undefined, env.apiKey)).status).toBe(403);
    expect((await api('POST', '/api/device/heartbeat', undefined, null)).status).toBe(401);
  });

  it('an uncollected parcel expires, is cleared from the compartment and can be ordered again', async () => {
    const { recordId } = await stockTitle('逾期未取');
    const { token } = await newReader('E');
    const { orderId, compartment, deadline } = await toLocker(token, [recordId], 'KSL-LK-BC');

    const remind = await api('POST', '/api/delivery/jobs/run', {
      at: new Date(new Date(deadline).getTime() - 3_600_000).toISOString(),
    });
    expect(remind.body.reminded).toBeGreaterThanOrEqual(1);
    await eventually(
      async () => (await notices()).some((n) => n.orderId === orderId && n.template === 'reminder'),
      'reminder notice',
    );

    const run = await api('POST', '/api/delivery/jobs/run', {
      at: new Date(new Date(deadline).getTime() + 60_000).toISOString(),
    });
    expect(run.status).toBe(200);
    expect(run.body.expired).toBeGreaterThanOrEqual(1);
    expect((await api('GET', `/api/reader/orders/${orderId}`, undefined, token)).body.status).toBe('expired');
    // the stock does not offer it while the book sits in the compartment
    expect(
      (await api('GET', `/api/reader/stock?q=${encodeURIComponent('逾期未取')}`, undefined, token)).body.items.find(
        (t: { recordId: string }) => t.recordId === recordId,
      ).available,
    ).toBe(0);

    const list = await api('GET', '/api/delivery/clearance?locker=KSL-LK-BC');
    expect(list.body).toEqual(
      expect.arrayContaining([expect.objectContaining({ orderId, compartment, locker: 'KSL-LK-BC' })]),
    );
    const clearId = rid('clear');
    const cleared = await api('POST', `/api/delivery/lockers/KSL-LK-BC/compartments/${compartment}/clear`, {
      requestId: clearId,
    });
    expect(cleared.status).toBe(200);
    expect(cleared.body.status).toBe('cleared');
    expect(
      (await api('POST', `/api/delivery/lockers/KSL-LK-BC/compartments/${compartment}/clear`, { requestId: clearId }))
        .body,
    ).toEqual(cleared.body);
    expect(
      (await api('GET', '/api/delivery/clearance?locker=KSL-LK-BC')).body.find(
        (e: { orderId: string }) => e.orderId === orderId,
      ),
    ).toBeUndefined();

    const stock = await api('GET', `/api/reader/stock?q=${encodeURIComponent('逾期未取')}`, undefined, token);
    expect(stock.body.items.find((t: { recordId: string }) => t.recordId === recordId).available).toBe(1);
    const reorder = await api(
      'POST',
      '/api/reader/orders',
      { titles: [recordId], mode: 'locker', locker: 'KSL-LK-BC' },
      token,
    );
    expect(reorder.status).toBe(201);
    const cancel = await api(
      'POST',
      `/api/reader/orders/${reorder.body.id}/cancel`,
      { requestId: rid('cancel') },
      token,
    );
    expect(cancel.body.status).toBe('cancelled');
  });

  it('refuses a reader with fines over the limit at the door, and the door stays shut', async () => {
    const reader = `P09${process.pid % 1000}${randomBytes(2).toString('hex')}`.slice(0, 12);
    await createPatron(reader);
    const token = await login(reader, '2468');
    const { recordId } = await stockTitle('罚款读者');
    const { orderId, compartment, code } = await toLocker(token, [recordId], 'KSL-LK-WXH');

    // a lost book: the replacement fee (5000 fen) passes the 1000 fen block threshold
    const lost = await stockTitle('丢失的书');
    expect(
      (
        await api('POST', '/api/circulation/checkout', {
          patron: { agency: KSL, barcode: reader },
          item: { agency: KSL, barcode: lost.barcodes[0] },
          branch: 'KSL-MAIN',
        })
      ).status,
    ).toBe(201);
    expect(
      (await api('POST', '/api/circulation/mark-lost', { item: { agency: KSL, barcode: lost.barcodes[0] } })).status,
    ).toBe(200);
    await eventually(
      async () => ((await api('GET', `/api/patrons/${KSL}/${reader}`)).body.blocks ?? []).includes('fines'),
      'fines block',
    );

    const door = await api(
      'POST',
      '/api/device/pickup',
      { requestId: rid('pickup'), patron: { agency: KSL, barcode: reader }, code },
      WXH,
    );
    expect(door.status).toBe(200);
    expect(door.body).toMatchObject({ door: 'shut', reason: 'PATRON_BLOCKED', compartment: null, loans: [] });
    const lockers = await api('GET', '/api/delivery/lockers');
    const c = lockers.body
      .find((l: { code: string }) => l.code === 'KSL-LK-WXH')
      .compartments.find((x: { number: number }) => x.number === compartment);
    expect(c).toMatchObject({ state: 'occupied', orderId });
    const o = await api('GET', `/api/delivery/orders/${orderId}`);
    expect(o.body.status).toBe('in_locker');
    expect(o.body.items[0].state).toBe('reserved');
    expect(o.body.timeline.map((t: { action: string }) => t.action)).toContain('refused_at_door');
    const loans = await api('GET', `/api/patrons/${KSL}/${reader}/loans`);
    expect(loans.body.items.filter((l: { status: string }) => l.status === 'open')).toHaveLength(0);
  });

  it('delivers to the home (the loan starts) and releases the copy of a failed delivery', async () => {
    const token = await login('P0000001');
    const { recordId, barcodes } = await stockTitle('送书上门');
    const order = await api(
      'POST',
      '/api/reader/orders',
      { titles: [recordId], mode: 'home', address: '江苏省昆山市前进中路 1 号 3 幢 201 室', phone: '13800001234' },
      token,
    );
    expect(order.status).toBe(201);
    expect(order.body).toMatchObject({ mode: 'home', phone: '138****1234' });
    expect(order.body.address).not.toContain('201');
    const id = order.body.id;
    for (const s of ['pick', 'pack']) expect((await step(id, s)).status).toBe(200);
    const handed = await step(id, 'hand-over', {
      carrier: '顺丰速运',
      trackingNumber: 'SF1234567890',
      feeFen: 1200,
      subsidyFen: 1000,
    });
    expect(handed.body).toMatchObject({
      status: 'handed_over',
      courier: { carrier: '顺丰速运', trackingNumber: 'SF1234567890', feeFen: 1200, subsidyFen: 1000 },
    });
    const done = await step(id, 'delivered');
    expect(done.body.status).toBe('delivered');
    expect(done.body.items[0]).toMatchObject({
      state: 'loaned',
      dueDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    const loans = await api('GET', `/api/patrons/${KSL}/P0000001/loans`);
    expect(loans.body.items.find((l: { item: { barcode: string } }) => l.item.barcode === barcodes[0])).toMatchObject({
      channel: 'delivery',
      status: 'open',
    });
    await eventually(
      async () => (await notices()).some((n) => n.orderId === id && n.template === 'delivered'),
      'delivered notice',
    );

    const failedTitle = await stockTitle('送书失败');
    const { token: token4 } = await newReader('F');
    const f = await api(
      'POST',
      '/api/reader/orders',
      { titles: [failedTitle.recordId], mode: 'home', address: '江苏省昆山市玉山镇 8 号', phone: '13900005678' },
      token4,
    );
    expect(f.status).toBe(201);
    for (const s of ['pick', 'pack']) await step(f.body.id, s);
    await step(f.body.id, 'hand-over', { carrier: '京东物流', feeFen: 800, subsidyFen: 800 });
    const failed = await step(f.body.id, 'failed', { reason: '收件人电话无人接听' });
    expect(failed.body).toMatchObject({ status: 'failed', items: [expect.objectContaining({ state: 'released' })] });
    // the copy is free again: a desk can lend it to someone else
    const desk = await api('POST', '/api/circulation/checkout', {
      patron: { agency: KSL, barcode: 'P0000001' },
      item: { agency: KSL, barcode: failedTitle.barcodes[0] },
      branch: 'KSL-MAIN',
    });
    expect(desk.status).toBe(201);
  });

  it('50 concurrent orders for the last copy: exactly one succeeds', async () => {
    const { recordId, barcodes } = await stockTitle('最后一本');
    const readers = Array.from({ length: 50 }, (_, i) => `PC${process.pid % 1000}${String(i).padStart(3, '0')}`);
    for (let i = 0; i < readers.length; i += 10) await Promise.all(readers.slice(i, i + 10).map(createPatron));
    const results = await Promise.all(
      readers.map((barcode) =>
        api('POST', '/api/delivery/orders', {
          patron: { agency: KSL, barcode },
          titles: [recordId],
          mode: 'locker',
          locker: 'KSL-LK-WXH',
        }),
      ),
    );
    const outcomes = results.map((r) => (r.status === 201 ? 'ordered' : `${r.status} ${r.body.code}`));
    expect(outcomes.sort()).toEqual(['ordered', ...Array(49).fill('409 ORDER_NO_COPY_AVAILABLE')].sort());
    const holds = await api('GET', `/api/holds?itemAgency=${KSL}&itemBarcode=${barcodes[0]}`);
    expect(holds.body.items.filter((h: { status: string }) => h.status === 'in_transit')).toHaveLength(1);
  });
});
