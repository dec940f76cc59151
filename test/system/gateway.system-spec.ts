import { INestApplication, INestMicroservice } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { loadConfig } from '@app/common';
import { CORRELATION_HEADER } from '@app/contracts';
import {
  createRpcTestClient,
  createTestDatabase,
  createTestEnvironment,
  RpcTestClient,
  startTestService,
  TestEnvironment,
} from '@app/testing';
// importing another app is allowed in spec files only
import { CatalogModule } from '../../apps/catalog/src/catalog.module';
import { CatalogEnvDto } from '../../apps/catalog/src/config/catalog-env.dto';
import { LoansEnvDto } from '../../apps/loans/src/config/loans-env.dto';
import { LoansModule } from '../../apps/loans/src/loans.module';
import { PatronsEnvDto } from '../../apps/patrons/src/config/patrons-env.dto';
import { PatronsModule } from '../../apps/patrons/src/patrons.module';
import { GatewayEnvDto } from '../../apps/gateway/src/config/gateway-env.dto';
import { createGatewayApp } from '../../apps/gateway/src/gateway-app.factory';

describe('gateway (HTTP → NATS, real PostgreSQL + NATS, catalog in-process)', () => {
  const KSL = 'CN-320583-1-KSL';
  const BOOTSTRAP_KEY = `test-bootstrap-${randomBytes(16).toString('hex')}`;
  let env: TestEnvironment;
  let catalog: INestMicroservice;
  const laterServices: INestMicroservice[] = [];
  let gateway: INestApplication;
  let rpc: RpcTestClient;
  let staffKey: string;
  let staffKeyId: string;

  const http = () => request(gateway.getHttpServer());
  const asOps = (r: request.Test) => r.set('Authorization', `Bearer ${BOOTSTRAP_KEY}`);
  const asStaff = (r: request.Test) => r.set('Authorization', `Bearer ${staffKey}`);

  beforeAll(async () => {
    env = await createTestEnvironment('gateway');
    catalog = await startTestService({
      name: 'catalog',
      envClass: CatalogEnvDto,
      env: env.env(),
      register: CatalogModule.register,
    });
    gateway = await createGatewayApp(
      loadConfig(GatewayEnvDto, env.env({ PORT: '0', BOOTSTRAP_API_KEY: BOOTSTRAP_KEY, HEALTH_TIMEOUT_MS: '1000' })),
    );
    rpc = await createRpcTestClient(env.natsUrl);
  });

  afterAll(async () => {
    await rpc?.close();
    await gateway?.close();
    for (const app of laterServices) await app.close();
    await catalog?.close();
    await env?.stop();
  });

  describe('authentication', () => {
    it('answers 401 UNAUTHORIZED as JSON without a key or with a wrong one', async () => {
      const none = await http().get('/api/agencies');
      expect(none.status).toBe(401);
      expect(none.body).toEqual({ code: 'UNAUTHORIZED', message: expect.stringMatching(/Bearer/) });
      expect(none.headers['www-authenticate']).toBe('Bearer');

      const wrong = await http().get('/api/agencies').set('Authorization', 'Bearer not-a-real-key');
      expect(wrong.status).toBe(401);
      expect(wrong.body.code).toBe('UNAUTHORIZED');

      const basic = await http().get('/api/agencies').set('Authorization', `Basic ${BOOTSTRAP_KEY}`);
      expect(basic.status).toBe(401);
    });

    it('accepts the bootstrap key (ops) and creates a staff key shown once', async () => {
      expect((await asOps(http().get('/api/agencies'))).status).toBe(200);

      const created = await asOps(http().post('/api/api-keys')).send({ name: 'desk-1', role: 'staff' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        name: 'desk-1',
        role: 'staff',
        revokedAt: null,
        key: expect.stringMatching(/^kc_/),
      });
      expect(created.body.prefix).toBe(created.body.key.slice(0, 8));
      staffKey = created.body.key;
      staffKeyId = created.body.id;

      const list = await asOps(http().get('/api/api-keys'));
      expect(list.status).toBe(200);
      expect(list.body.map((k: { name: string }) => k.name)).toEqual(expect.arrayContaining(['bootstrap', 'desk-1']));
      // neither the key nor its hash is ever listed
      expect(JSON.stringify(list.body)).not.toContain(staffKey);
      expect(list.body[0]).not.toHaveProperty('keyHash');
      expect(list.body[0]).not.toHaveProperty('key');
    });

    it('lets a staff key use staff endpoints but answers 403 FORBIDDEN on ops endpoints', async () => {
      expect((await asStaff(http().get('/api/agencies'))).status).toBe(200);
      const put = await asStaff(http().put(`/api/agencies/${KSL}`)).send({ name: '昆山市图书馆', kind: 'member' });
      expect(put.status).toBe(403);
      expect(put.body).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/ops/) });
      const keys = await asStaff(http().get('/api/api-keys'));
      expect(keys.status).toBe(403);
    });

    it('validates key creation and refuses to revoke the last ops key', async () => {
      const bad = await asOps(http().post('/api/api-keys')).send({ name: 'x', role: 'admin' });
      expect(bad.status).toBe(400);
      expect(bad.body.details.fields.map((f: { field: string }) => f.field)).toEqual(['role']);

      const keys = await asOps(http().get('/api/api-keys'));
      const bootstrap = keys.body.find((k: { name: string }) => k.name === 'bootstrap');
      const last = await asOps(http().delete(`/api/api-keys/${bootstrap.id}`));
      expect(last.status).toBe(409);
      expect(last.body.code).toBe('CONFLICT');

      const unknown = await asOps(http().delete('/api/api-keys/6f0f7a4e-0000-4000-8000-000000000000'));
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('NOT_FOUND');
    });
  });

  describe('catalog through HTTP', () => {
    let recordId: string;

    it('creates an agency, a branch, a record and an item and reads them back', async () => {
      const agency = await asOps(http().put(`/api/agencies/${KSL}`)).send({ name: '昆山市图书馆', kind: 'member' });
      expect(agency.status).toBe(200);
      expect(agency.body).toMatchObject({ isil: KSL, name: '昆山市图书馆', timezone: 'Asia/Shanghai' });

      const branch = await asOps(http().put('/api/branches/KSL-MAIN')).send({
        agency: KSL,
        name: '总馆',
        kind: 'central',
      });
      expect(branch.status).toBe(200);
      expect(branch.body).toEqual({ code: 'KSL-MAIN', agency: KSL, name: '总馆', kind: 'central' });

      const agencies = await asStaff(http().get('/api/agencies'));
      expect(agencies.body[0].branches.map((b: { code: string }) => b.code)).toEqual(['KSL-MAIN']);

      const record = await asStaff(http().post('/api/records')).send({
        title: '日知录',
        author: '顾炎武',
        isbn: '9787101003048',
      });
      expect(record.status).toBe(201);
      recordId = record.body.id;
      expect((await asStaff(http().get(`/api/records/${recordId}`))).body.title).toBe('日知录');

      const item = await asStaff(http().post('/api/items')).send({
        agency: KSL,
        barcode: 'B0000001',
        recordId,
        itemType: 'book',
        homeBranch: 'KSL-MAIN',
      });
      expect(item.status).toBe(201);
      expect(item.body).toMatchObject({ agency: KSL, barcode: 'B0000001', status: 'available', title: '日知录' });

      const got = await asStaff(http().get(`/api/items/${KSL}/B0000001`));
      expect(got.status).toBe(200);
      expect(got.body.id).toBe(item.body.id);
    });

    it('patches only the fields sent and searches', async () => {
      const patched = await asStaff(http().patch(`/api/records/${recordId}`)).send({ publisher: '中华书局' });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({
        title: '日知录',
        author: '顾炎武',
        isbn: '9787101003048',
        publisher: '中华书局',
      });

      const cleared = await asStaff(http().patch(`/api/records/${recordId}`)).send({ publisher: null });
      expect(cleared.body).toMatchObject({ title: '日知录', author: '顾炎武', publisher: null });

      const item = await asStaff(http().patch(`/api/items/${KSL}/B0000001`)).send({ shelfLocation: '2F K248' });
      expect(item.status).toBe(200);
      expect(item.body).toMatchObject({ barcode: 'B0000001', shelfLocation: '2F K248', homeBranch: 'KSL-MAIN' });

      const items = await asStaff(http().get('/api/items').query({ title: '日知', agency: KSL }));
      expect(items.status).toBe(200);
      expect(items.body.items.map((i: { barcode: string }) => i.barcode)).toEqual(['B0000001']);

      const records = await asStaff(http().get('/api/records').query({ isbn: '9787101003048', limit: '5' }));
      expect(records.body).toMatchObject({ total: 1, limit: 5 });
    });

    it('answers a bad body, path or query with 400 VALIDATION_FAILED naming the fields', async () => {
      const body = await asStaff(http().post('/api/items')).send({
        agency: KSL,
        barcode: 'bad barcode!',
        itemType: 'scroll',
        homeBranch: 'KSL-MAIN',
      });
      expect(body.status).toBe(400);
      expect(body.body.code).toBe('VALIDATION_FAILED');
      expect(body.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual([
        'barcode',
        'itemType',
        'recordId',
      ]);
      expect(body.body.message).toMatch(/barcode/);

      const path = await asStaff(http().get('/api/items/not-an-isil/B0000001'));
      expect(path.status).toBe(400);
      expect(path.body.message).toMatch(/agency/);

      const query = await asStaff(http().get('/api/records').query({ limit: 'many' }));
      expect(query.status).toBe(400);
      expect(query.body.message).toMatch(/limit/);

      const extra = await asStaff(http().post('/api/records')).send({ title: 'x', owner: 'me' });
      expect(extra.status).toBe(400);
      expect(extra.body.message).toMatch(/owner/);
    });

    it('maps remote refusals to their HTTP status: 404 ITEM_UNKNOWN, 404 AGENCY_UNKNOWN', async () => {
      const item = await asStaff(http().get(`/api/items/${KSL}/NOPE`));
      expect(item.status).toBe(404);
      expect(item.body).toEqual({ code: 'ITEM_UNKNOWN', message: `item ${KSL}/NOPE not found` });

      const branch = await asOps(http().put('/api/branches/TCL-MAIN')).send({
        agency: 'CN-320585-1-TCL',
        name: '太仓',
        kind: 'central',
      });
      expect(branch.status).toBe(404);
      expect(branch.body.code).toBe('AGENCY_UNKNOWN');
    });

    it('answers 503 SERVICE_UNAVAILABLE when no service answers the subject (patrons is not running)', async () => {
      const res = await asStaff(http().get(`/api/patrons/${KSL}/P0000001`));
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        message: expect.stringMatching(/patrons\.get\.v1/),
      });
    });
  });

  describe('HTTP plumbing', () => {
    it('answers malformed JSON with 400 VALIDATION_FAILED', async () => {
      const res = await asStaff(http().post('/api/records'))
        .set('Content-Type', 'application/json')
        .send('{"title": "日知录",');
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/malformed JSON/) });
    });

    it('keeps Nest 404s for unknown routes, as JSON with a code', async () => {
      const res = await asStaff(http().get('/api/nothing-here'));
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ code: 'NOT_FOUND', message: 'Cannot GET /api/nothing-here' });
    });

    it('echoes the x-correlation-id and forwards it over NATS', async () => {
      const seen: string[] = [];
      // a plain subscriber sees the request too (catalog's queue group still answers it)
      const sub = rpc.nc.subscribe('catalog.items.get.v1', {
        callback: (_e, m) => seen.push(m.headers?.get(CORRELATION_HEADER) ?? ''),
      });
      await rpc.nc.flush();
      const res = await asStaff(http().get(`/api/items/${KSL}/B0000001`)).set(CORRELATION_HEADER, 'test-corr-42');
      sub.unsubscribe();
      expect(res.status).toBe(200);
      expect(res.headers[CORRELATION_HEADER]).toBe('test-corr-42');
      expect(seen).toEqual(['test-corr-42']);

      const generated = await http().get('/api/agencies');
      expect(generated.headers[CORRELATION_HEADER]).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('serves the OpenAPI document and Swagger UI without a key', async () => {
      const doc = await http().get('/api/openapi.json');
      expect(doc.status).toBe(200);
      expect(Object.keys(doc.body.paths)).toEqual(
        expect.arrayContaining([
          '/health',
          '/api/agencies',
          '/api/agencies/{isil}',
          '/api/branches/{code}',
          '/api/records',
          '/api/records/{id}',
          '/api/items',
          '/api/items/{agency}/{barcode}',
          '/api/patrons',
          '/api/patrons/{agency}/{barcode}',
          '/api/patrons/{agency}/{barcode}/blocks/{block}',
          '/api/patrons/{agency}/{barcode}/loans',
          '/api/patrons/{agency}/{barcode}/summary',
          '/api/circulation/checkout',
          '/api/circulation/checkin',
          '/api/circulation/renew',
          '/api/api-keys',
          '/api/api-keys/{id}',
        ]),
      );
      expect(doc.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(doc.body.components.schemas).toHaveProperty('CheckoutDto');
      expect(doc.body.components.schemas).toHaveProperty('CreateItemDto');
      expect(doc.body.paths['/api/circulation/checkout'].post.security).toEqual([{ bearer: [] }]);

      const ui = await http().get('/api/docs/');
      expect(ui.status).toBe(200);
      expect(ui.text).toMatch(/swagger/i);
      expect((await http().get('/api/docs/swagger-ui-bundle.js')).status).toBe(200);
    });

    it('reports health: catalog up, absent services down, 503 degraded', async () => {
      const anonymous = await http().get('/health');
      expect(anonymous.status).toBe(503);
      expect(anonymous.body).toEqual({ status: 'degraded' });
      const res = await asStaff(http().get('/health'));
      expect(res.status).toBe(503);
      expect(res.body.status).toBe('degraded');
      expect(res.body.services.catalog).toMatchObject({ service: 'catalog', status: 'up' });
      expect(res.body.services.loans).toMatchObject({ status: 'down', error: expect.any(String) });
      expect(Object.keys(res.body.services).sort()).toEqual([
        'catalog',
        'delivery',
        'federation',
        'loans',
        'patrons',
        'sip2',
        'statistics',
      ]);
      expect(res.body.gateway.database.status).toBe('up');
      expect(res.body.gateway.nats.status).toBe('up');
    });

    it('answers gateway.ping.v1 and gateway.health.v1 on NATS', async () => {
      expect(await rpc.request('gateway.ping.v1', {})).toMatchObject({ service: 'gateway', pong: true });
      expect(await rpc.request('gateway.health.v1', {})).toMatchObject({ service: 'gateway', status: 'up' });
    });
  });

  describe('revocation and first-start key', () => {
    it('rejects a revoked key at once', async () => {
      expect((await asStaff(http().get('/api/agencies'))).status).toBe(200); // cached now
      const revoked = await asOps(http().delete(`/api/api-keys/${staffKeyId}`));
      expect(revoked.status).toBe(200);
      expect(revoked.body.revokedAt).not.toBeNull();
      const after = await asStaff(http().get('/api/agencies'));
      expect(after.status).toBe(401);
    });

    it('without BOOTSTRAP_API_KEY, prints a generated ops key once on the first start only', async () => {
      const databaseUrl = await createTestDatabase('gateway_first');
      const cfg = loadConfig(GatewayEnvDto, {
        DATABASE_URL: databaseUrl,
        NATS_URL: env.natsUrl,
        PORT: '0',
        LOG_LEVEL: 'warn',
      });
      const printed: string[] = [];
      const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        printed.push(String(chunk));
        return true;
      });
      let first: INestApplication | undefined;
      let second: INestApplication | undefined;
      try {
        first = await createGatewayApp(cfg);
        const line = printed.join('').match(/BOOTSTRAP API KEY \(shown once\): (\S+)/);
        expect(line).not.toBeNull();
        const key = line![1];
        const res = await request(first.getHttpServer()).get('/api/api-keys').set('Authorization', `Bearer ${key}`);
        expect(res.status).toBe(200);
        expect(res.body).toEqual([expect.objectContaining({ name: 'bootstrap', role: 'ops' })]);
        await first.close();
        first = undefined;

        printed.length = 0;
        second = await createGatewayApp(cfg);
        expect(printed.join('')).not.toMatch(/BOOTSTRAP API KEY/);
        expect(
          (await request(second.getHttpServer()).get('/api/agencies').set('Authorization', `Bearer ${key}`)).status,
        ).toBe(200);
      } finally {
        spy.mockRestore();
        await first?.close();
        await second?.close();
      }
    });
  });

  // last: booting patrons and loans changes what /health reports above
  describe('circulation through HTTP (patrons + loans in-process)', () => {
    const P1 = { agency: KSL, barcode: 'P0000001' };
    const B1 = { agency: KSL, barcode: 'B0000001' };
    let opsKey: string;
    const asDesk = (r: request.Test) => r.set('Authorization', `Bearer ${opsKey}`);

    beforeAll(async () => {
      laterServices.push(
        await startTestService({
          name: 'patrons',
          envClass: PatronsEnvDto,
          env: env.env(),
          register: PatronsModule.register,
        }),
      );
      laterServices.push(
        await startTestService({
          name: 'loans',
          envClass: LoansEnvDto,
          env: env.env(),
          register: LoansModule.register,
        }),
      );
      opsKey = (await asOps(http().post('/api/api-keys')).send({ name: 'desk-2', role: 'ops' })).body.key;
    });

    it('registers a patron and sets and lifts a block', async () => {
      const created = await asDesk(http().post('/api/patrons')).send({
        ...P1,
        name: '张三',
        patronType: 'adult',
        homeBranch: 'KSL-MAIN',
        cardExpiresOn: '2099-12-31',
        pin: '1234',
      });
      expect(created.status).toBe(201);
      expect(JSON.stringify(created.body)).not.toContain('1234');
      expect((await asDesk(http().get(`/api/patrons/${KSL}/P0000001`))).body).toMatchObject({
        name: '张三',
        circulationBlocked: false,
      });

      const blocked = await asDesk(http().put(`/api/patrons/${KSL}/P0000001/blocks/manual`)).send({ reason: 'test' });
      expect(blocked.status).toBe(200);
      expect(blocked.body).toMatchObject({ blocks: ['manual'], circulationBlocked: true });
      const refused = await asDesk(http().post('/api/circulation/checkout')).send({
        patron: P1,
        item: B1,
        branch: 'KSL-MAIN',
      });
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('PATRON_BLOCKED');

      const lifted = await asDesk(http().delete(`/api/patrons/${KSL}/P0000001/blocks/manual`));
      expect(lifted.status).toBe(200);
      expect(lifted.body).toMatchObject({ blocks: [], circulationBlocked: false });

      const found = await asDesk(http().get('/api/patrons').query({ q: '张' }));
      expect(found.body.items.map((p: { barcode: string }) => p.barcode)).toContain('P0000001');
    });

    it('checks out (201 with the due date), lists, renews and checks in', async () => {
      const out = await asDesk(http().post('/api/circulation/checkout')).send({
        patron: P1,
        item: B1,
        branch: 'KSL-MAIN',
      });
      expect(out.status).toBe(201);
      expect(out.body.loan).toMatchObject({
        item: B1,
        patron: P1,
        status: 'open',
        dueDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      });
      expect(new Date(out.body.loan.dueAt).getTime()).toBeGreaterThan(Date.now());

      const loans = await asDesk(http().get(`/api/patrons/${KSL}/P0000001/loans`).query({ status: 'open' }));
      expect(loans.status).toBe(200);
      expect(JSON.stringify(loans.body)).toContain('B0000001');
      const summary = await asDesk(http().get(`/api/patrons/${KSL}/P0000001/summary`));
      expect(summary.body).toMatchObject({ openLoans: 1 });

      const renewed = await asDesk(http().post('/api/circulation/renew')).send({ patron: P1, item: B1 });
      expect(renewed.status).toBe(200);
      expect(renewed.body.loan.renewals).toBe(1);

      const back = await asDesk(http().post('/api/circulation/checkin')).send({ item: B1, branch: 'KSL-MAIN' });
      expect(back.status).toBe(200);
      expect(back.body).toMatchObject({ wasOnLoan: true });

      const nested = await asDesk(http().post('/api/circulation/checkout')).send({
        patron: { agency: 'KSL', barcode: 'P0000001' },
        item: B1,
        branch: 'KSL-MAIN',
      });
      expect(nested.status).toBe(400);
      expect(nested.body.message).toMatch(/patron\.agency/);
    });
  });
});
