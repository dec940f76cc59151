import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { loadConfig } from '@app/common';
// importing another app is allowed in spec files only
import { CirculationFixture, KSL } from './support/circulation-fixture';
import { GatewayEnvDto } from '../../apps/gateway/src/config/gateway-env.dto';
import { createGatewayApp } from '../../apps/gateway/src/gateway-app.factory';

jest.setTimeout(60_000);

describe('gateway: holds and transits over HTTP (catalog + patrons + loans in-process)', () => {
  const OPS_KEY = `test-ops-${randomBytes(16).toString('hex')}`;
  const fx = new CirculationFixture({ prefix: 'gw_holds', loansEnv: { HOLD_EXPIRY_INTERVAL_MS: '0' } });
  let gateway: INestApplication;
  let staffKey: string;
  let recordId: string;

  const http = () => request(gateway.getHttpServer());
  const asStaff = (r: request.Test) => r.set('Authorization', `Bearer ${staffKey}`);
  const asOps = (r: request.Test) => r.set('Authorization', `Bearer ${OPS_KEY}`);

  beforeAll(async () => {
    await fx.start();
    gateway = await createGatewayApp(loadConfig(GatewayEnvDto, fx.env.env({ PORT: '0', BOOTSTRAP_API_KEY: OPS_KEY })));
    staffKey = (await asOps(http().post('/api/api-keys')).send({ name: 'desk', role: 'staff' })).body.key;

    await fx.registerKsl();
    recordId = await fx.newRecord('平凡的世界');
    await fx.createItem('G-1', recordId);
    for (const barcode of ['P-1', 'P-2']) await fx.createPatron(barcode);
    await fx.checkout('P-1', 'G-1');
  });

  afterAll(async () => {
    await gateway?.close();
    await fx.stop();
  });

  it('places, lists, traps (checkin), ships, receives and shelves a hold; cancels', async () => {
    const placed = await asStaff(http().post('/api/holds')).send({
      patron: { agency: KSL, barcode: 'P-2' },
      recordId,
      pickupBranch: 'KSL-ZS',
      placedBy: 'staff',
      priority: 5,
    });
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({ status: 'waiting', priority: 5, queuePosition: 1, pickupBranch: 'KSL-ZS' });

    const mine = await asStaff(http().get('/api/holds')).query({ patronAgency: KSL, patronBarcode: 'P-2' });
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((h: { id: string }) => h.id)).toEqual([placed.body.id]);
    expect((await asStaff(http().get('/api/holds')).query({ recordId })).body.total).toBe(1);
    expect((await asStaff(http().get('/api/holds')).query({ itemAgency: KSL, itemBarcode: 'G-1' })).body.total).toBe(1);

    const refused = await asStaff(http().post('/api/circulation/renew')).send({
      patron: { agency: KSL, barcode: 'P-1' },
      item: { agency: KSL, barcode: 'G-1' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('RENEWAL_REFUSED_HOLDS');

    const back = await asStaff(http().post('/api/circulation/checkin')).send({
      item: { agency: KSL, barcode: 'G-1' },
      branch: 'KSL-MAIN',
    });
    expect(back.body).toMatchObject({
      destination: 'KSL-ZS',
      transit: true,
      sortBin: 'KSL-ZS',
      hold: { holdId: placed.body.id, status: 'in_transit' },
    });

    const incoming = await asStaff(http().get('/api/transits')).query({ branch: 'KSL-ZS', direction: 'incoming' });
    expect(incoming.body.items).toEqual([
      expect.objectContaining({ fromBranch: 'KSL-MAIN', toBranch: 'KSL-ZS', reason: 'hold' }),
    ]);
    const received = await asStaff(http().post('/api/transits/receive')).send({
      item: { agency: KSL, barcode: 'G-1' },
      branch: 'KSL-ZS',
    });
    expect(received.status).toBe(200);
    expect(received.body).toMatchObject({ sortBin: 'HOLDS', hold: { status: 'ready' } });

    const shelf = await asStaff(http().get('/api/holds/shelf/KSL-ZS'));
    expect(shelf.body).toMatchObject({
      branch: 'KSL-ZS',
      total: 1,
      expired: 0,
      items: [expect.objectContaining({ holdId: placed.body.id, action: 'keep' })],
    });
    const pick = await asStaff(http().get('/api/holds/pick-list/KSL-MAIN'));
    expect(pick.body).toMatchObject({ branch: 'KSL-MAIN', items: [] });

    const cancelled = await asStaff(http().post(`/api/holds/${placed.body.id}/cancel`)).send({});
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', endReason: 'cancelled_by_staff' });
    // the copy leaves the shelf: a pull entry until it is scanned
    expect((await asStaff(http().get('/api/holds/shelf/KSL-ZS'))).body.items).toEqual([
      expect.objectContaining({ action: 'pull' }),
    ]);
  });

  it('validates input and keeps configuration and the job for ops keys', async () => {
    expect((await asStaff(http().post('/api/holds/not-a-uuid/cancel')).send({})).status).toBe(400);
    const both = await asStaff(http().post('/api/holds')).send({
      patron: { agency: KSL, barcode: 'P-2' },
      pickupBranch: 'KSL-ZS',
    });
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
