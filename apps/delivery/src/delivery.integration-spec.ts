import { INestMicroservice } from '@nestjs/common';
import {
  DeliveryDeviceHeartbeat,
  DeliveryListLockers,
  DeliveryPlaceOrder,
  DeliverySubjects,
  DepositResult,
  DeviceHeartbeatResult,
  ErrorCode,
  LockerView,
  OrderView,
  PickupDecision,
} from '@app/contracts';
import {
  createRpcTestClient,
  createTestEnvironment,
  eventually,
  RpcTestClient,
  startTestService,
  TestEnvironment,
} from '@app/testing';
import { metricsExposition } from '@app/common';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DeliveryEnvDto } from './config/delivery-env.dto';
import { DeliveryModule } from './delivery.module';
import { ParcelJobs } from './jobs/parcel-jobs.job';
import { NoticeLedger } from './notifier/notice-ledger.repository';

const KSL = 'CN-320583-1-KSL';
const LOCKER = 'KSL-LK-T1';
const device = { kind: 'device', id: 'locker-t1', location: LOCKER };
const rid = () => `it-${randomBytes(8).toString('hex')}`;
const refusal = (code: string) => ({ payload: expect.objectContaining({ code }) });

interface Notice {
  eventId: string;
  orderId: string;
  template: string;
  params: Record<string, string>;
}

/**
 * The delivery service alone, two replicas, on real PostgreSQL and NATS: lockers, deposits, pickup codes
 * (wrong attempts, lock, re-issue), idempotent device calls, the notifier (webhook sender to a local HTTP
 * server) and the expiry job under two replicas. Parcels are put in the state "dispatched" directly in
 * the delivery schema, so no other service is needed; the flows through loans are in test/e2e.
 */
describe('delivery service (two replicas, real PostgreSQL + NATS)', () => {
  let env: TestEnvironment;
  let replicas: INestMicroservice[] = [];
  let rpc: RpcTestClient;
  let db: Client;
  let sink: http.Server;
  const received: Notice[] = [];

  beforeAll(async () => {
    sink = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
    env = await createTestEnvironment('delivery');
    const vars = env.env({
      NOTIFIER_SENDER: 'webhook',
      NOTIFIER_WEBHOOK_URL: url,
      DELIVERY_JOB_INTERVAL_MS: '0',
      PICKUP_CODE_MAX_FAILURES: '3',
    });
    for (let i = 0; i < 2; i++)
      replicas.push(
        await startTestService({
          name: 'delivery',
          envClass: DeliveryEnvDto,
          env: vars,
          register: (e) => DeliveryModule.register(e),
        }),
      );
    rpc = await createRpcTestClient(env.natsUrl);
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await rpc?.close();
    await db?.end();
    for (const r of replicas) await r.close();
    replicas = [];
    await env?.stop();
    await new Promise((r) => sink?.close(r));
  });

  /** A parcel on the locker run, as the fulfilment steps leave it. */
  async function dispatched(books = 1, patron = 'P-1'): Promise<string> {
    const id = randomUUID();
    await db.query(
      `INSERT INTO delivery.orders (id, patron_agency, patron_barcode, mode, status, locker_code, stock_location, phone, placed_at, updated_at)
       VALUES ($1, $2, $3, 'locker', 'dispatched', $4, 'KSL-O2O', '13800001234', now(), now())`,
      [id, KSL, patron, LOCKER],
    );
    for (let i = 1; i <= books; i++) {
      await db.query(
        `INSERT INTO delivery.order_items (order_id, position, record_id, title, item_agency, item_barcode, state) VALUES ($1, $2, $3, $4, $5, $6, 'reserved')`,
        [id, i, randomUUID(), `书${i}`, KSL, `IT-${randomBytes(4).toString('hex')}`],
      );
    }
    return id;
  }
  const deposit = (orderId: string, requestId = rid()) =>
    rpc.request<DepositResult>(DeliverySubjects.deviceDeposit, { requestId, locker: LOCKER, orderId, actor: device });
  const pickup = (patron: string, code: string, requestId = rid()) =>
    rpc.request<PickupDecision>(DeliverySubjects.devicePickup, {
      requestId,
      locker: LOCKER,
      patron: { agency: KSL, barcode: patron },
      code,
      actor: device,
    });
  const order = (orderId: string) => rpc.request<OrderView>(DeliverySubjects.getOrder, { orderId });
  const codes = (orderId: string, count = 1) =>
    eventually(async () => {
      const list = received.filter((n) => n.orderId === orderId && n.template === 'ready').map((n) => n.params.code);
      return list.length >= count ? list : null;
    });

  it('keeps one circulation notice per reference: another event for the same recall due date counts as sent', async () => {
    const ledger = replicas[0].get(NoticeLedger);
    const ref = `recalled:${randomUUID()}:2026-12-10T15:59:59.000Z`;
    const notice: Parameters<NoticeLedger['record']>[0] = {
      eventId: randomUUID(),
      orderId: null,
      loanId: 'l-1',
      template: 'recalled',
      patron: { agency: KSL, barcode: 'P0000001' },
      phone: null,
      params: {},
      text: '',
    };
    expect(await ledger.sent(notice.eventId, ref)).toBe(false);
    await ledger.record(notice, 'webhook', ref);
    const other = randomUUID();
    expect(await ledger.sent(other, ref)).toBe(true);
    expect(await ledger.sent(other, `${ref}-a-new-due-date`)).toBe(false);
    // the other replica's record of the same notice (both sent it in a race) is taken, not an error
    await ledger.record({ ...notice, eventId: other }, 'webhook', ref);
    const { rows } = await db.query(`SELECT event_id FROM delivery.notices WHERE reference = $1`, [ref]);
    expect(rows.map((r) => r.event_id)).toEqual([notice.eventId]);
    // O2O notices have no reference and stay one per event
    const o2o = { ...notice, eventId: randomUUID(), orderId: randomUUID(), template: 'ready' as const };
    await ledger.record(o2o, 'webhook');
    await ledger.record({ ...o2o, eventId: randomUUID() }, 'webhook');
    expect(await ledger.sent(o2o.eventId)).toBe(true);
  });

  it('registers a locker with compartments of two sizes; a second upsert keeps their state', async () => {
    const spec = {
      code: LOCKER,
      agency: KSL,
      name: '测试柜',
      address: '昆山市',
      branch: 'KSL-MAIN',
      pickupHours: 48,
      compartments: [1, 2, 3].map((n) => ({ number: n, size: 'S' })).concat([{ number: 4, size: 'L' }]),
    };
    const locker = await rpc.request<LockerView>(DeliverySubjects.upsertLocker, spec);
    expect(locker.compartments.map((c) => [c.number, c.size, c.state])).toEqual([
      [1, 'S', 'free'],
      [2, 'S', 'free'],
      [3, 'S', 'free'],
      [4, 'L', 'free'],
    ]);
    await expect(rpc.request(DeliverySubjects.upsertLocker, { ...spec, code: 'bad code' })).rejects.toMatchObject(
      refusal(ErrorCode.ValidationFailed),
    );
  });

  it('reports each locker site in delivery_locker_online from its state (1 online, 0 offline), as Prometheus scrapes it', async () => {
    const gauge = async () =>
      (await metricsExposition()).body
        .split('\n')
        .find((l) => l.startsWith(`delivery_locker_online{locker="${LOCKER}"}`));
    expect(await gauge()).toBe(`delivery_locker_online{locker="${LOCKER}"} 1`);
    const spec = { code: 'KSL-LK-OFF', agency: KSL, name: '离线柜', address: '昆山市', branch: 'KSL-MAIN' };
    await rpc.request<LockerView>(DeliverySubjects.upsertLocker, { ...spec, online: false });
    const text = (await metricsExposition()).body;
    expect(text).toContain('delivery_locker_online{locker="KSL-LK-OFF"} 0');
    expect(await gauge()).toBe(`delivery_locker_online{locker="${LOCKER}"} 1`);
    // back online: the next scrape says so (the state is read at scrape time, whichever replica changed it)
    await rpc.request<LockerView>(DeliverySubjects.upsertLocker, { ...spec, online: true });
    expect((await metricsExposition()).body).toContain('delivery_locker_online{locker="KSL-LK-OFF"} 1');
  });

  it('hears a locker controller (heartbeat or any device call); one silent too long takes no orders and shows 0', async () => {
    const code = 'KSL-LK-HB';
    const here = { ...device, location: code };
    const site = () =>
      rpc.request<LockerView[]>(DeliveryListLockers.subject, {}).then((all) => all.find((l) => l.code === code)!);
    const gauge = async () =>
      (await metricsExposition()).body
        .split('\n')
        .find((l) => l.startsWith(`delivery_locker_online{locker="${code}"}`));
    await rpc.request<LockerView>(DeliverySubjects.upsertLocker, {
      code,
      agency: KSL,
      name: '心跳柜',
      address: '昆山市',
      branch: 'KSL-MAIN',
    });
    // a controller that never called is judged by the staff flag alone (vendors without heartbeats)
    expect(await site()).toMatchObject({ online: true, lastSeenAt: null, silent: false });
    const beat = await rpc.request<DeviceHeartbeatResult>(DeliveryDeviceHeartbeat.subject, {
      locker: code,
      actor: here,
    });
    expect(beat).toMatchObject({ locker: code, online: true });
    expect((await site()).lastSeenAt).toBe(beat.lastSeenAt);

    // it went quiet an hour ago (LOCKER_SILENT_AFTER_SECONDS is 300): silent, 0, and readers cannot order to it
    await db.query(`UPDATE delivery.lockers SET last_seen_at = now() - interval '1 hour' WHERE code = $1`, [code]);
    expect(await site()).toMatchObject({ online: true, silent: true });
    expect(await gauge()).toBe(`delivery_locker_online{locker="${code}"} 0`);
    await expect(
      rpc.request(DeliveryPlaceOrder.subject, {
        patron: { agency: KSL, barcode: 'P-HB' },
        titles: [randomUUID()],
        mode: 'locker',
        locker: code,
      }),
    ).rejects.toMatchObject(refusal(ErrorCode.LockerOffline));

    // any device call is heard, even one refused (this site has no compartment 9)
    await expect(
      rpc.request(DeliverySubjects.deviceDoorClosed, { requestId: rid(), locker: code, compartment: 9, actor: here }),
    ).rejects.toMatchObject(refusal(ErrorCode.CompartmentNotFound));
    expect(await site()).toMatchObject({ silent: false });
    expect(await gauge()).toBe(`delivery_locker_online{locker="${code}"} 1`);
    // a controller of a site not registered is told so
    await expect(
      rpc.request(DeliveryDeviceHeartbeat.subject, { locker: 'KSL-LK-NONE', actor: here }),
    ).rejects.toMatchObject(refusal(ErrorCode.LockerUnknown));
  });

  it('deposits into fitting compartments (concurrently, never the same one), idempotently; a full locker keeps the parcel waiting', async () => {
    const big = await dispatched(3);
    const small = [await dispatched(1), await dispatched(2), await dispatched(1)];
    const first = await deposit(big);
    expect(first).toMatchObject({ status: 'in_locker', compartment: 4 });
    const results = await Promise.all(small.map((o) => deposit(o)));
    expect(results.map((r) => r.compartment).sort()).toEqual([1, 2, 3]);

    // the locker is full: the parcel waits at the branch; the same request id gives the same answer, once
    const late = await dispatched(1);
    const waiting = await deposit(late, 'it-replay-deposit');
    expect(waiting).toMatchObject({ status: 'awaiting_compartment', compartment: null });
    await expect(deposit(late, 'it-replay-deposit')).resolves.toEqual(waiting);
    await expect(deposit(late)).resolves.toEqual(waiting);
    const view = await order(late);
    expect(view.timeline!.map((t) => t.action)).toEqual(['locker_full']);
    expect(view.timeline![0]).toMatchObject({ actor: device, detail: { waitsAt: 'KSL-MAIN' } });
    await expect(deposit(big)).rejects.toMatchObject(refusal(ErrorCode.OrderStepInvalid));
    // a request id is bound to its call
    await expect(
      rpc.request(DeliverySubjects.deviceDoorClosed, {
        requestId: 'it-replay-deposit',
        locker: LOCKER,
        compartment: 1,
        actor: device,
      }),
    ).rejects.toMatchObject(refusal(ErrorCode.RequestIdReused));
  });

  it('sends the code only in the notice, stores a salted hash, counts wrong codes, locks and re-issues', async () => {
    // one more compartment for this parcel
    await rpc.request(DeliverySubjects.upsertLocker, {
      code: LOCKER,
      agency: KSL,
      name: '测试柜',
      address: '昆山市',
      branch: 'KSL-MAIN',
      pickupHours: 48,
      compartments: [{ number: 5, size: 'S' }],
    });
    const id = await dispatched(1, 'P-2');
    await deposit(id);
    const [code] = await codes(id);
    expect(code).toMatch(/^\d{8}$/);
    const { rows } = await db.query(`SELECT code_hash FROM delivery.orders WHERE id = $1`, [id]);
    expect(rows[0].code_hash).toMatch(/^scrypt\$/);
    expect(rows[0].code_hash).not.toContain(code);
    const outbox = await db.query(`SELECT envelope::text AS e FROM delivery.outbox`);
    expect(outbox.rows.map((r) => r.e).join('\n')).not.toContain(code);

    const wrong = code.slice(0, -1) + String((Number(code.slice(-1)) + 1) % 10);
    const replayId = rid();
    expect(await pickup('P-2', wrong, replayId)).toMatchObject({
      door: 'shut',
      reason: 'PICKUP_CODE_INVALID',
      failedAttempts: 1,
      attemptsLeft: 2,
    });
    expect(await pickup('P-2', wrong, replayId)).toMatchObject({ failedAttempts: 1 });
    expect(await pickup('P-2', wrong)).toMatchObject({ failedAttempts: 2, attemptsLeft: 1 });
    expect(await pickup('P-2', wrong)).toMatchObject({
      door: 'shut',
      reason: 'PICKUP_CODE_LOCKED',
      failedAttempts: 3,
      attemptsLeft: 0,
    });
    // locked: even the right code stays shut
    expect(await pickup('P-2', code)).toMatchObject({ door: 'shut', reason: 'PICKUP_CODE_LOCKED' });
    expect((await order(id)).code).toMatchObject({ failedAttempts: 3, locked: true });
    await eventually(async () => received.some((n) => n.orderId === id && n.template === 'code_locked'));

    const reissued = await rpc.request<OrderView>(DeliverySubjects.reissueCode, {
      requestId: rid(),
      orderId: id,
      patron: { agency: KSL, barcode: 'P-2' },
      actor: { kind: 'reader', id: 'P-2' },
    });
    expect(reissued.code).toMatchObject({ failedAttempts: 0, locked: false });
    const all = await codes(id, 2);
    expect(all[1]).not.toEqual(code);
    // someone else cannot re-issue it, and another card opens nothing
    await expect(
      rpc.request(DeliverySubjects.reissueCode, {
        requestId: rid(),
        orderId: id,
        patron: { agency: KSL, barcode: 'P-9' },
        actor: { kind: 'reader', id: 'P-9' },
      }),
    ).rejects.toMatchObject(refusal(ErrorCode.OrderNotFound));
    expect(await pickup('P-9', all[1])).toMatchObject({
      door: 'shut',
      reason: 'PICKUP_CODE_INVALID',
      failedAttempts: null,
    });
  });

  it('follows loans made and closed outside the device API (a SIP2 locker): collected, then returned, each once', async () => {
    await rpc.request(DeliverySubjects.upsertLocker, {
      code: LOCKER,
      agency: KSL,
      name: '测试柜',
      address: '昆山市',
      branch: 'KSL-MAIN',
      pickupHours: 48,
      compartments: [{ number: 6, size: 'S' }],
    });
    const id = await dispatched(1, 'P-3');
    const { compartment } = await deposit(id);
    const { rows } = await db.query(
      `SELECT item_agency AS agency, item_barcode AS barcode FROM delivery.order_items WHERE order_id = $1`,
      [id],
    );
    const loanId = randomUUID();
    const data = {
      loanId,
      patron: { agency: KSL, barcode: 'P-3' },
      item: rows[0],
      branch: LOCKER,
      channel: 'sip2',
      dueAt: '2027-01-05T15:59:59.999Z',
    };
    const js = rpc.nc.jetstream();
    const publish = (type: string, eventId: string) =>
      js.publish(
        type,
        JSON.stringify({ id: eventId, type, source: 'loans', occurredAt: new Date().toISOString(), data }),
        { msgID: eventId },
      );
    const created = randomUUID();
    await publish('events.loans.loan-created.v1', created);
    await eventually(async () => (await order(id)).status === 'collected');
    // a second delivery of the same event (another message id) changes nothing
    await publish('events.loans.loan-created.v1', randomUUID());
    await publish('events.loans.loan-closed.v1', randomUUID());
    await eventually(async () => (await order(id)).items[0].state === 'returned');
    const view = await order(id);
    expect(view.items[0]).toMatchObject({ loanId, dueDate: '2027-01-05' });
    expect(view.timeline!.map((t) => t.action)).toEqual(['deposited', 'collected', 'item_returned']);
    expect(view.timeline![1]).toMatchObject({ actor: { kind: 'system', id: 'loans/sip2', location: LOCKER } });
    const lockers = await rpc.request<LockerView[]>(DeliverySubjects.listLockers, {});
    expect(lockers.find((l) => l.code === LOCKER)!.compartments.find((c) => c.number === compartment)).toMatchObject({
      state: 'free',
      orderId: null,
    });
  });

  it('expires each uncollected parcel once when two replicas run the job together; they go on the clearance list', async () => {
    const before = new Set(
      (await db.query(`SELECT id FROM delivery.orders WHERE status = 'in_locker'`)).rows.map((r) => r.id),
    );
    const at = new Date(Date.now() + 49 * 3_600_000).toISOString();
    const reports = await Promise.all(replicas.map((r) => r.get(ParcelJobs).run({ at })));
    expect(reports.reduce((n, r) => n + r.expired, 0)).toBe(before.size);
    const { rows } = await db.query(
      `SELECT order_id, count(*)::int AS n FROM delivery.timeline WHERE action = 'expired' GROUP BY order_id`,
    );
    expect(rows.map((r) => r.order_id).sort()).toEqual([...before].sort());
    expect(rows.every((r) => r.n === 1)).toBe(true);
    const clearance = await rpc.request<{ orderId: string }[]>(DeliverySubjects.clearanceList, { locker: LOCKER });
    expect(clearance.map((c) => c.orderId).sort()).toEqual([...before].sort());
    await eventually(async () =>
      [...before].every((id) => received.filter((n) => n.orderId === id && n.template === 'expired').length === 1),
    );
  });
});
