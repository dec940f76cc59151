import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { loadConfig } from '@app/common';
import { Client } from 'pg';
// importing another app is allowed in spec files only
import { CirculationFixture, KSL } from './support/circulation-fixture';
import { GatewayEnvDto } from '../../apps/gateway/src/config/gateway-env.dto';
import { createGatewayApp } from '../../apps/gateway/src/gateway-app.factory';

jest.setTimeout(60_000);

describe('gateway: circulation rules, calendars, closures and fines over HTTP (catalog + patrons + loans in-process)', () => {
  const OPS_KEY = `test-ops-${randomBytes(16).toString('hex')}`;
  const fx = new CirculationFixture({ prefix: 'gw_rules', loansEnv: { HOLD_EXPIRY_INTERVAL_MS: '0' }, db: true });
  let gateway: INestApplication;
  let db: Client;
  let staffKey: string;

  const http = () => request(gateway.getHttpServer());
  const asStaff = (r: request.Test) => r.set('Authorization', `Bearer ${staffKey}`);
  const asOps = (r: request.Test) => r.set('Authorization', `Bearer ${OPS_KEY}`);
  const P = (barcode: string) => ({ agency: KSL, barcode });
  const nine = { open: '09:00', close: '21:00' };

  beforeAll(async () => {
    await fx.start(() =>
      fx.registerKsl([
        ['KSL-HQ', '花桥分馆', 'branch'],
        ['KSL-24H-SLGY', '森林公园24小时自助图书馆', 'self_service_24h'],
      ]),
    );
    db = fx.db;
    gateway = await createGatewayApp(loadConfig(GatewayEnvDto, fx.env.env({ PORT: '0', BOOTSTRAP_API_KEY: OPS_KEY })));
    staffKey = (await asOps(http().post('/api/api-keys')).send({ name: 'desk', role: 'staff' })).body.key;

    const recordId = await fx.newRecord('万历十五年');
    for (const [barcode, homeBranch, priceFen] of [
      ['G-MAIN-1', 'KSL-MAIN', 3200],
      ['G-MAIN-2', 'KSL-MAIN', 3200],
      ['G-HQ-1', 'KSL-HQ', 3200],
    ] as const) {
      await fx.createItem(barcode, recordId, { homeBranch, priceFen });
    }
    for (const barcode of ['P-1', 'P-2']) await fx.createPatron(barcode, { homeBranch: 'KSL-HQ' });
  });

  afterAll(async () => {
    await gateway?.close();
    await fx.stop();
  });

  it('done when: a staff member configures the rules (ops key), a KSL-HQ checkout of a KSL-MAIN item uses the owner’s rule', async () => {
    const rule = {
      scope: 'KSL-MAIN',
      patronType: '*',
      itemType: '*',
      loanDays: 21,
      maxRenewals: 2,
      renewalDays: 21,
      maxItems: 20,
      maxItemsPerBranch: 10,
      finePerDayFen: 10,
      fineCapFen: 2000,
      fineBlockThresholdFen: 1000,
    };
    const forbidden = await asStaff(http().put('/api/circulation-rules/ksl-main')).send(rule);
    expect(forbidden.status).toBe(403);
    const put = await asOps(http().put('/api/circulation-rules/ksl-main')).send(rule);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      id: 'ksl-main',
      scope: 'KSL-MAIN',
      loanDays: 21,
      maxItemsPerBranch: 10,
      holdsAllowed: true,
    });
    expect(
      (
        await asOps(http().put('/api/circulation-rules/ksl-hq')).send({
          ...rule,
          scope: 'KSL-HQ',
          loanDays: 14,
          renewalDays: 14,
        })
      ).status,
    ).toBe(200);

    const bad = await asOps(http().put('/api/circulation-rules/ksl-x')).send({ ...rule, scope: 'KSL-ZS', loanDays: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.details.fields.map((f: { field: string }) => f.field)).toEqual(['loanDays']);

    const listed = await asStaff(http().get('/api/circulation-rules'));
    expect(listed.status).toBe(200);
    expect(listed.body.map((r: { id: string }) => r.id)).toEqual(
      expect.arrayContaining(['ksl-main', 'ksl-hq', 'default']),
    );

    const dry = await asStaff(http().post('/api/circulation-rules/dry-run')).send({
      patron: P('P-1'),
      item: P('G-MAIN-1'),
      branch: 'KSL-HQ',
    });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ outcome: 'allowed', rule: { id: 'ksl-main', loanDays: 21 }, dueBranch: 'KSL-HQ' });

    const out = await asStaff(http().post('/api/circulation/checkout')).send({
      patron: P('P-1'),
      item: P('G-MAIN-1'),
      branch: 'KSL-HQ',
    });
    expect(out.status).toBe(201);
    expect(out.body.rule).toMatchObject({ id: 'ksl-main', loanDays: 21 });
    expect(out.body.loan.dueDate).toBe(dry.body.dueDate);
    const hq = await asStaff(http().post('/api/circulation/checkout')).send({
      patron: P('P-1'),
      item: P('G-HQ-1'),
      branch: 'KSL-HQ',
    });
    expect(hq.body.rule).toMatchObject({ id: 'ksl-hq', loanDays: 14 });

    expect((await asStaff(http().delete('/api/circulation-rules/ksl-hq'))).status).toBe(403);
    expect((await asOps(http().delete('/api/circulation-rules/default'))).status).toBe(409);
  });

  it('sets calendars and closes the whole network in one call, moving due dates', async () => {
    const cal = await asOps(http().put('/api/calendars/KSL-HQ')).send({
      weeklyHours: { mon: null, tue: nine, wed: nine, thu: nine, fri: nine, sat: nine, sun: nine },
    });
    expect(cal.status).toBe(200);
    expect(cal.body).toMatchObject({
      branch: 'KSL-HQ',
      source: 'branch',
      alwaysOpen: false,
      weeklyHours: { mon: null },
    });
    expect((await asStaff(http().get('/api/calendars/KSL-24H-SLGY'))).body).toMatchObject({
      alwaysOpen: true,
      source: 'none',
    });
    expect((await asStaff(http().put('/api/calendars/KSL-ZS')).send({ weeklyHours: {} })).status).toBe(403);
    const all = await asStaff(http().get('/api/calendars'));
    expect(all.body.map((c: { branch: string }) => c.branch)).toEqual(
      expect.arrayContaining(['KSL-HQ', 'KSL-MAIN', 'KSL-24H-SLGY']),
    );

    // the two open loans (due in 21 and 14 days) fall inside a four-week network closure starting tomorrow
    const { rows: before } = await db.query(
      `SELECT item_barcode, due_date::text AS d FROM loans.loans WHERE returned_at IS NULL ORDER BY item_barcode`,
    );
    const from = before.map((r) => r.d).sort()[0];
    const to = before.map((r) => r.d).sort()[1];
    const closure = await asOps(http().post('/api/closures')).send({ from, to, reason: '全馆闭馆 network closure' });
    expect(closure.status).toBe(201);
    expect(closure.body).toMatchObject({ loansMoved: 2, closure: { branch: null, kind: 'closure', loansMoved: 2 } });
    const { rows: after } = await db.query(`SELECT due_date::text AS d FROM loans.loans WHERE returned_at IS NULL`);
    for (const r of after) expect(r.d > to).toBe(true);
    expect((await asStaff(http().post('/api/closures')).send({ from, to, reason: 'x' })).status).toBe(403);

    const listed = await asStaff(http().get('/api/closures')).query({ branch: 'KSL-HQ' });
    expect(listed.body).toEqual([
      expect.objectContaining({ id: closure.body.closure.id, reason: '全馆闭馆 network closure' }),
    ]);
    expect((await asOps(http().delete(`/api/closures/${closure.body.closure.id}`))).status).toBe(200);
  });

  it('lists, pays (staff) and waives (ops) fines; marks a loan lost and claims one returned', async () => {
    await asStaff(http().post('/api/circulation/checkout')).send({
      patron: P('P-2'),
      item: P('G-MAIN-2'),
      branch: 'KSL-24H-SLGY',
    });
    await db.query(`UPDATE loans.loans SET due_date = (now() AT TIME ZONE 'Asia/Shanghai')::date - 12,
      due_at = (((now() AT TIME ZONE 'Asia/Shanghai')::date - 11)::timestamp AT TIME ZONE 'Asia/Shanghai') - interval '1 second',
      checked_out_at = now() - interval '40 days' WHERE item_barcode = 'G-MAIN-2' AND returned_at IS NULL`);
    const back = await asStaff(http().post('/api/circulation/checkin')).send({
      item: P('G-MAIN-2'),
      branch: 'KSL-24H-SLGY',
    });
    expect(back.body.fine).toMatchObject({ amountFen: 120, chargeableDays: 12 });

    const list = await asStaff(http().get(`/api/patrons/${KSL}/P-2/fines`));
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({
      total: 1,
      outstandingFen: 120,
      items: [{ kind: 'overdue', amountFen: 120, status: 'open' }],
    });
    expect((await asStaff(http().get(`/api/patrons/${KSL}/P-2/summary`))).body.finesFen).toBe(120);

    const paid = await asStaff(http().post(`/api/patrons/${KSL}/P-2/fines/payments`)).send({
      amountFen: 20,
      paymentType: 'alipay',
      transactionId: 'ALI-1',
    });
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ paidFen: 20, outstandingFen: 100 });
    const over = await asStaff(http().post(`/api/patrons/${KSL}/P-2/fines/payments`)).send({
      amountFen: 500,
      paymentType: 'cash',
    });
    expect(over.status).toBe(409);
    expect(over.body.code).toBe('PAYMENT_EXCEEDS_BALANCE');

    const fineId = list.body.items[0].id;
    expect((await asStaff(http().post(`/api/fines/${fineId}/waive`)).send({ reason: 'x' })).status).toBe(403);
    const waived = await asOps(http().post(`/api/fines/${fineId}/waive`)).send({
      reason: '首次逾期 / first time',
      actor: 'supervisor-1',
    });
    expect(waived.status).toBe(200);
    expect(waived.body).toMatchObject({ outstandingFen: 0, fine: { status: 'paid', paidFen: 20, waivedFen: 100 } });

    // the KSL-MAIN loan from the first test: lost, charged the catalog price
    const lost = await asStaff(http().post('/api/circulation/mark-lost')).send({
      item: P('G-MAIN-1'),
      patron: P('P-1'),
    });
    expect(lost.status).toBe(200);
    expect(lost.body.fines).toEqual([expect.objectContaining({ kind: 'lost_item', amountFen: 3200 })]);
    const claimed = await asStaff(http().post('/api/circulation/claim-returned')).send({ item: P('G-HQ-1') });
    expect(claimed.status).toBe(200);
    expect(claimed.body.loan.claimedReturnedAt).toEqual(expect.any(String));
    expect((await asStaff(http().post('/api/circulation/claim-returned')).send({ item: P('G-MAIN-1') })).status).toBe(
      404,
    );
  });

  it('documents the endpoints in OpenAPI', async () => {
    const doc = await http().get('/api/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/circulation-rules',
        '/api/circulation-rules/dry-run',
        '/api/circulation-rules/{id}',
        '/api/calendars',
        '/api/calendars/{branch}',
        '/api/closures',
        '/api/closures/{id}',
        '/api/patrons/{agency}/{barcode}/fines',
        '/api/patrons/{agency}/{barcode}/fines/payments',
        '/api/fines/{fineId}/waive',
        '/api/circulation/mark-lost',
        '/api/circulation/claim-returned',
      ]),
    );
    expect(doc.body.components.schemas).toHaveProperty('UpsertLoanRuleBodyDto');
    expect(doc.body.components.schemas).toHaveProperty('PayFinesBodyDto');
  });
});
