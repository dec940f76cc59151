import { randomUUID } from 'node:crypto';
import { JSONCodec } from 'nats';
import {
  AnnualReport,
  CatalogCreateItem,
  CatalogUpsertAgency,
  CatalogUpsertBranch,
  DeliveryDeviceDeposit,
  DeliveryOrderStep,
  DeliveryPlaceOrder,
  DeliveryUpsertLocker,
  EVENT_STREAM,
  LoansCheckin,
  LoansCheckout,
  LoansFinesPay,
  LoansFinesWaive,
  LoansRulesUpsert,
  OrderStep,
  OrderStepDto,
  StatisticsAnnualReport,
} from '@app/contracts';
import { eventually, startTestService } from '@app/testing';
import { DeliveryEnvDto } from '../../apps/delivery/src/config/delivery-env.dto';
import { DeliveryModule } from '../../apps/delivery/src/delivery.module';
import { StatisticsEnvDto } from '../../apps/statistics/src/config/statistics-env.dto';
import { StatisticsModule } from '../../apps/statistics/src/statistics.module';
import { CirculationFixture, KSL } from './support/circulation-fixture';

const TCL = 'CN-320585-1-TCL';
const LOCKER = 'KSL-LK-ST';
const codec = JSONCodec<{ type: string }>();
const staff = { kind: 'staff' as const, id: 'stats-spec' };
const rid = () => `st-${randomUUID()}`;

/**
 * Statistics fed by real services over real PostgreSQL and NATS (catalog, patrons, loans, delivery and
 * statistics in-process): fines paid and waived (loans' fine events), O2O orders and collections at a
 * locker and at home (delivery's events), partner loans (classified from loan events). Then every event
 * in the stream is published again under a new message id, twice over: nothing counts twice.
 */
describe('statistics from fine, O2O and partner-loan events (loans + delivery + statistics in-process)', () => {
  const fx = new CirculationFixture({ prefix: 'stats_ev', db: true });
  const year = Number(
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()),
  );

  beforeAll(async () => {
    await fx.start(async (rpc) => {
      await fx.registerKsl([
        ['KSL-24H', '24小时图书馆', 'self_service_24h'],
        ['KSL-O2O', 'O2O 书库', 'branch'],
        [LOCKER, '测试借阅柜', 'locker'],
      ]);
      await rpc.call(CatalogUpsertAgency, { isil: TCL, name: '太仓市图书馆', kind: 'partner' });
      await rpc.call(CatalogUpsertBranch, { code: 'TCL-MAIN', agency: TCL, name: '太仓总馆', kind: 'central' });
    });
    const vars = fx.env.env({ STATS_PATRON_HASH_KEY: 'system-spec-key-0123456789abcdef' });
    fx.services.push(
      await startTestService({
        name: 'statistics',
        envClass: StatisticsEnvDto,
        env: vars,
        register: StatisticsModule.register,
      }),
    );
    fx.services.push(
      await startTestService({
        name: 'delivery',
        envClass: DeliveryEnvDto,
        env: fx.env.env({ DELIVERY_JOB_INTERVAL_MS: '0', NOTIFIER_SENDER: 'logging' }),
        register: (e) => DeliveryModule.register(e),
      }),
    );
    await fx.rpc.call(LoansRulesUpsert, {
      id: 'ksl-main',
      scope: 'KSL-MAIN',
      patronType: '*',
      itemType: '*',
      loanDays: 21,
      maxRenewals: 2,
      renewalDays: 21,
      maxItems: 20,
      finePerDayFen: 10,
      fineCapFen: 2000,
      fineBlockThresholdFen: 1000,
    });
  });

  afterAll(() => fx.stop());

  /** statistics has taken every event in the stream (the producers' outboxes are relayed first). */
  async function caughtUp(): Promise<void> {
    const jsm = await fx.rpc.nc.jetstreamManager();
    await eventually(async () => {
      const { rows } = await fx.db.query(
        `SELECT (SELECT count(*) FROM loans.outbox WHERE published_at IS NULL) + (SELECT count(*) FROM delivery.outbox WHERE published_at IS NULL)
           + (SELECT count(*) FROM patrons.outbox WHERE published_at IS NULL) + (SELECT count(*) FROM catalog.outbox WHERE published_at IS NULL) AS n`,
      );
      if (Number(rows[0].n) > 0) return false;
      for (const durable of (await jsm.consumers.list(EVENT_STREAM).next()).map((c) => c.name)) {
        const info = await jsm.consumers.info(EVENT_STREAM, durable);
        if (info.num_pending > 0 || info.num_ack_pending > 0) return false;
      }
      // a consumer that just acked may have written an outbox row meanwhile: look once more
      const again = await fx.db.query(
        `SELECT (SELECT count(*) FROM loans.outbox WHERE published_at IS NULL) + (SELECT count(*) FROM delivery.outbox WHERE published_at IS NULL) AS n`,
      );
      return Number(again.rows[0].n) === 0;
    }, 60_000);
  }

  /** what statistics holds: rows by action/channel/detail, and the daily rollup's counts, books and fen */
  async function counted(): Promise<{ rows: Record<string, number>; daily: Record<string, string> }> {
    const { rows } = await fx.db.query(
      `SELECT action || '|' || channel || '|' || COALESCE(detail, '') || '|' || COALESCE(amount_fen::text, '') || '|' || item_count AS k, count(*)::int AS n
       FROM statistics.circulation_actions WHERE action IN ('fine_paid', 'fine_waived', 'o2o_order', 'o2o_collected', 'partner_loan') GROUP BY 1`,
    );
    const daily = await fx.db.query(
      `SELECT action || '|' || channel AS k, sum(count)::text || '/' || sum(item_count)::text || '/' || sum(amount_fen)::text AS v
       FROM statistics.daily_circulation GROUP BY 1`,
    );
    return {
      rows: Object.fromEntries(rows.map((r) => [r.k, r.n])),
      daily: Object.fromEntries(daily.rows.map((r) => [r.k, r.v])),
    };
  }

  /** every event in the stream published again under a new message id (what a relay replay or a restore does) */
  async function republishAll(): Promise<number> {
    const js = fx.rpc.nc.jetstream();
    const jsm = await fx.rpc.nc.jetstreamManager();
    const { state } = await jsm.streams.info(EVENT_STREAM);
    let n = 0;
    for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
      const m = await jsm.streams.getMessage(EVENT_STREAM, { seq }).catch(() => null);
      if (!m || !codec.decode(m.data).type) continue;
      await js.publish(m.subject, m.data, { msgID: `replay-${randomUUID()}` });
      n++;
    }
    return n;
  }

  it('counts fines paid (SIP2 channel at a 24-hour library) and waived with their fen, O2O orders and collections, partner loans; replays change nothing', async () => {
    const record = await fx.newRecord('统计事件测试');
    for (const b of ['SE-1', 'SE-2', 'SE-3', 'SE-4']) await fx.createItem(b, record);
    await fx.rpc.call(CatalogCreateItem, {
      agency: TCL,
      barcode: 'TCL-ILL-1',
      recordId: record,
      itemType: 'book',
      homeBranch: 'TCL-MAIN',
    });
    await fx.createPatron('SP-1');
    await fx.createPatron(`ILL-${TCL}`, { patronType: 'adult' });

    // an overdue return: 12 days × 10 fen
    await fx.checkout('SP-1', 'SE-1');
    await fx.db.query(`UPDATE loans.loans SET due_date = (now() AT TIME ZONE 'Asia/Shanghai')::date - 12,
      due_at = (((now() AT TIME ZONE 'Asia/Shanghai')::date - 11)::timestamp AT TIME ZONE 'Asia/Shanghai') - interval '1 second'
      WHERE item_barcode = 'SE-1' AND returned_at IS NULL`);
    const back = await fx.rpc.call(LoansCheckin, { item: { agency: KSL, barcode: 'SE-1' }, branch: 'KSL-MAIN' });
    expect(back.fine).toMatchObject({ amountFen: 120 });
    // SIP2 37 Fee Paid goes through loans.fines.pay with channel sip2 at the terminal's branch
    const paid = await fx.rpc.call(LoansFinesPay, {
      patron: { agency: KSL, barcode: 'SP-1' },
      amountFen: 20,
      paymentType: 'cash',
      transactionId: 'TX-1',
      branch: 'KSL-24H',
      channel: 'sip2',
    });
    expect(paid.paidFen).toBe(20);
    // the same transaction id again: a replayed payment, no second event
    expect(
      (
        await fx.rpc.call(LoansFinesPay, {
          patron: { agency: KSL, barcode: 'SP-1' },
          amountFen: 20,
          paymentType: 'cash',
          transactionId: 'TX-1',
          branch: 'KSL-24H',
          channel: 'sip2',
        })
      ).replayed,
    ).toBe(true);
    await fx.rpc.call(LoansFinesWaive, { fineId: back.fine!.id, reason: 'first time', actor: 'supervisor' });

    // partner loans: our copy lent to the partner library, the partner's copy lent to our reader, our reader over NCIP
    await fx.checkout(`ILL-${TCL}`, 'SE-2');
    await fx.rpc.call(LoansCheckout, {
      patron: { agency: KSL, barcode: 'SP-1' },
      item: { agency: TCL, barcode: 'TCL-ILL-1' },
      branch: 'KSL-MAIN',
    });
    await fx.checkout('SP-1', 'SE-3', { channel: 'ncip' });

    // O2O: a home delivery (placed, picked, packed, handed over, delivered: the books lent at once)
    const o2oRecord = await fx.newRecord('送书上门 统计');
    for (const b of ['SO-1', 'SO-2', 'SO-3'])
      await fx.createItem(b, o2oRecord, { homeBranch: 'KSL-O2O', loanable: true });
    const o2oRecord2 = await fx.newRecord('借阅柜 统计');
    await fx.createItem('SO-4', o2oRecord2, { homeBranch: 'KSL-O2O', loanable: true });
    const home = await fx.rpc.call(DeliveryPlaceOrder, {
      patron: { agency: KSL, barcode: 'SP-1' },
      titles: [o2oRecord],
      mode: 'home',
      address: '江苏省昆山市前进中路 1 号',
      phone: '13800001234',
    });
    const step = (orderId: string, s: OrderStep, more: Partial<OrderStepDto> = {}) =>
      fx.rpc.call(DeliveryOrderStep, { orderId, requestId: rid(), step: s, actor: staff, ...more });
    for (const s of ['pick', 'pack'] as const) await step(home.id, s);
    await step(home.id, 'hand_over', { carrier: '顺丰速运', feeFen: 1200, subsidyFen: 1000 });
    expect((await step(home.id, 'delivered')).status).toBe('delivered');

    // O2O at a locker: deposited, then the locker's own SIP2 checkouts empty the compartment (collected)
    await fx.rpc.call(DeliveryUpsertLocker, {
      code: LOCKER,
      agency: KSL,
      name: '测试借阅柜',
      address: '昆山市',
      branch: 'KSL-MAIN',
      compartments: [{ number: 1, size: 'L' }],
    });
    const parcel = await fx.rpc.call(DeliveryPlaceOrder, {
      patron: { agency: KSL, barcode: 'SP-1' },
      titles: [o2oRecord2],
      mode: 'locker',
      locker: LOCKER,
    });
    for (const s of ['pick', 'pack', 'dispatch'] as const) await step(parcel.id, s);
    const deposited = await fx.rpc.call(DeliveryDeviceDeposit, {
      requestId: rid(),
      locker: LOCKER,
      orderId: parcel.id,
      actor: { kind: 'device', id: 'locker-st', location: LOCKER },
    });
    expect(deposited).toMatchObject({ compartment: 1 });
    await fx.checkout('SP-1', 'SO-4', { branch: LOCKER, channel: 'sip2' });

    // action|channel|detail|fen|books → rows
    const expected = {
      'fine_paid|24h|overdue|20|0': 1,
      'fine_waived|-|overdue|100|0': 1,
      'o2o_order|o2o|||1': 2,
      'o2o_collected|o2o|||1': 1,
      'o2o_collected|locker|||1': 1,
      'partner_loan|partner|lent_to_partner||1': 1,
      'partner_loan|partner|ill_borrowed||1': 1,
      'partner_loan|partner|at_partner||1': 1,
    };
    const first = await eventually(async () => {
      await caughtUp();
      const c = await counted();
      return c.rows['o2o_collected|locker|||1'] ? c : null;
    }, 90_000);
    expect(first.rows).toEqual(expected);
    expect(first.daily).toMatchObject({
      'fine_paid|24h': '1/0/20',
      'fine_waived|-': '1/0/100',
      'o2o_collected|o2o': '1/1/0',
      'o2o_collected|locker': '1/1/0',
      'partner_loan|partner': '3/3/0',
      'checkout|locker': '1/1/0',
      'checkout|o2o': '1/1/0',
    });
    const annual = await fx.rpc.call(StatisticsAnnualReport, { year });
    const value = (label: string) => annual.table.rows.find((r) => String(r.indicator).includes(label))?.value;
    expect(value('O2O users')).toBe(1);
    expect(value('O2O loans')).toBe(2);
    expect(value('partner loans')).toBe(3);
    expect(value('fines paid')).toBe(20);

    // every event again, twice: the rows, the rollups and the report stay as they were
    for (let i = 0; i < 2; i++) {
      expect(await republishAll()).toBeGreaterThan(20);
      await caughtUp();
    }
    expect(await counted()).toEqual(first);
    expect(await fx.rpc.call(StatisticsAnnualReport, { year })).toEqual<AnnualReport>(annual);
  });
});
