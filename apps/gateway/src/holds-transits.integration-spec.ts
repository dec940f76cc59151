import { INestApplication, INestMicroservice } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { loadConfig } from '@app/common';
import { CatalogSubjects, ItemView, LoanSubjects, PatronSubjects, RecordView } from '@app/contracts';
import { createRpcTestClient, createTestEnvironment, RpcTestClient, startTestService, TestEnvironment } from '@app/testing';
// importing another app is allowed in spec files only
import { CatalogModule } from '../../catalog/src/catalog.module';
import { CatalogEnvDto } from '../../catalog/src/config/catalog-env.dto';
import { LoansEnvDto } from '../../loans/src/config/loans-env.dto';
import { LoansModule } from '../../loans/src/loans.module';
import { PatronsEnvDto } from '../../patrons/src/config/patrons-env.dto';
import { PatronsModule } from '../../patrons/src/patrons.module';
import { GatewayEnvDto } from './config/gateway-env.dto';
import { createGatewayApp } from './gateway-app.factory';

jest.setTimeout(60_000);

describe('gateway: holds and transits over HTTP (catalog + patrons + loans in-process)', () => {
  const KSL = 'CN-320583-1-KSL';
  const OPS_KEY = `test-ops-${randomBytes(16).toString('hex')}`;
  let env: TestEnvironment;
  const services: INestMicroservice[] = [];
  let gateway: INestApplication;
  let rpc: RpcTestClient;
  let staffKey: string;
  let recordId: string;

  const http = () => request(gateway.getHttpServer());
  const asStaff = (r: request.Test) => r.set('Authorization', `Bearer ${staffKey}`);
  const asOps = (r: request.Test) => r.set('Authorization', `Bearer ${OPS_KEY}`);

  beforeAll(async () => {
    env = await createTestEnvironment('gw_holds');
    services.push(await startTestService({ name: 'catalog', envClass: CatalogEnvDto, env: env.env(), register: CatalogModule.register }));
    services.push(await startTestService({ name: 'patrons', envClass: PatronsEnvDto, env: env.env(), register: PatronsModule.register }));
    services.push(await startTestService({ name: 'loans', envClass: LoansEnvDto, env: env.env({ HOLD_EXPIRY_INTERVAL_MS: '0' }), register: LoansModule.register }));
    gateway = await createGatewayApp(loadConfig(GatewayEnvDto, env.env({ PORT: '0', BOOTSTRAP_API_KEY: OPS_KEY })));
    rpc = await createRpcTestClient(env.natsUrl);
    staffKey = (await asOps(http().post('/api/api-keys')).send({ name: 'desk', role: 'staff' })).body.key;

    await rpc.request(CatalogSubjects.upsertAgency, { isil: KSL, name: '昆山市图书馆', kind: 'member' });
    await rpc.request(CatalogSubjects.upsertBranch, { code: 'KSL-MAIN', agency: KSL, name: '总馆', kind: 'central' });
    await rpc.request(CatalogSubjects.upsertBranch, { code: 'KSL-ZS', agency: KSL, name: '周市分馆', kind: 'branch' });
    recordId = (await rpc.request<RecordView>(CatalogSubjects.createRecord, { title: '平凡的世界' })).id;
    await rpc.request<ItemView>(CatalogSubjects.createItem, { agency: KSL, barcode: 'G-1', recordId, itemType: 'book', homeBranch: 'KSL-MAIN' });
    for (const barcode of ['P-1', 'P-2']) {
      await rpc.request(PatronSubjects.create, { agency: KSL, barcode, name: '读者', patronType: 'adult', homeBranch: 'KSL-MAIN', cardExpiresOn: '2099-12-31', pin: '1234' });
    }
    await rpc.request(LoanSubjects.checkout, { patron: { agency: KSL, barcode: 'P-1' }, item: { agency: KSL, barcode: 'G-1' }, branch: 'KSL-MAIN' });
  });

  afterAll(async () => {
    await rpc?.close();
    await gateway?.close();
    for (const s of services.reverse()) await s.close();
    await env?.stop();
  });

  it('places, lists, traps (checkin), ships, receives and shelves a hold; cancels', async () => {
    const placed = await asStaff(http().post('/api/holds')).send({ patron: { agency: KSL, barcode: 'P-2' }, recordId, pickupBranch: 'KSL-ZS', placedBy: 'staff', priority: 5 });
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({ status: 'waiting', priority: 5, queuePosition: 1, pickupBranch: 'KSL-ZS' });

    const mine = await asStaff(http().get('/api/holds')).query({ patronAgency: KSL, patronBarcode: 'P-2' });
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((h: { id: string }) => h.id)).toEqual([placed.body.id]);
    expect((await asStaff(http().get('/api/holds')).query({ recordId })).body.total).toBe(1);
    expect((await asStaff(http().get('/api/holds')).query({ itemAgency: KSL, itemBarcode: 'G-1' })).body.total).toBe(1);

    const refused = await asStaff(http().post('/api/circulation/renew')).send({ patron: { agency: KSL, barcode: 'P-1' }, item: { agency: KSL, barcode: 'G-1' } });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('RENEWAL_REFUSED_HOLDS');

    const back = await asStaff(http().post('/api/circulation/checkin')).send({ item: { agency: KSL, barcode: 'G-1' }, branch: 'KSL-MAIN' });
    expect(back.body).toMatchObject({ destination: 'KSL-ZS', transit: true, sortBin: 'KSL-ZS', hold: { holdId: placed.body.id, status: 'in_transit' } });

    const incoming = await asStaff(http().get('/api/transits')).query({ branch: 'KSL-ZS', direction: 'incoming' });
    expect(incoming.body.items).toEqual([expect.objectContaining({ fromBranch: 'KSL-MAIN', toBranch: 'KSL-ZS', reason: 'hold' })]);
    const received = await asStaff(http().post('/api/transits/receive')).send({ item: { agency: KSL, barcode: 'G-1' }, branch: 'KSL-ZS' });
    expect(received.status).toBe(200);
    expect(received.body).toMatchObject({ sortBin: 'HOLDS', hold: { status: 'ready' } });

    const shelf = await asStaff(http().get('/api/holds/shelf/KSL-ZS'));
    expect(shelf.body).toMatchObject({ branch: 'KSL-ZS', total: 1, expired: 0, items: [expect.objectContaining({ holdId: placed.body.id, action: 'keep' })] });
    const pick = await asStaff(http().get('/api/holds/pick-list/KSL-MAIN'));
    expect(pick.body).toMatchObject({ branch: 'KSL-MAIN', items: [] });

    const cancelled = await asStaff(http().post(`/api/holds/${placed.body.id}/cancel`)).send({});
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', endReason: 'cancelled_by_staff' });
    // the copy leaves the shelf: a pull entry until it is scanned
    expect((await asStaff(http().get('/api/holds/shelf/KSL-ZS'))).body.items).toEqual([expect.objectContaining({ action: 'pull' })]);
  });

  it('validates input and keeps configuration and the job for ops keys', async () => {
    expect((await asStaff(http().post('/api/holds/not-a-uuid/cancel')).send({})).status).toBe(400);
    const both = await asStaff(http().post('/api/holds')).send({ patron: { agency: KSL, barcode: 'P-2' }, pickupBranch: 'KSL-ZS' });
    expect(both.status).toBe(400);
    expect(both.body.code).toBe('VALIDATION_FAILED');

    const rule = { agency: KSL, itemType: 'children_book', floats: true };
    expect((await asStaff(http().put('/api/transits/floating-rules')).send(rule)).status).toBe(403);
    expect((await asOps(http().put('/api/transits/floating-rules')).send(rule)).body).toEqual(rule);
    expect((await asStaff(http().get('/api/transits/floating-rules'))).body).toEqual([rule]);

    expect((await asStaff(http().post('/api/holds/expire'))).status).toBe(403);
    const job = await asOps(http().post('/api/holds/expire'));
    expect(job.status).toBe(200);
    expect(job.body).toEqual({ notNeededExpired: 0, pickupExpired: 0, reassigned: 0 });
  });
});
