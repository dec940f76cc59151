import { INestMicroservice } from '@nestjs/common';
import { CatalogSubjects, ErrorCode, EventSubjects, ItemView, RecordView } from '@app/contracts';
import { createRpcTestClient, createTestEnvironment, eventually, RpcTestClient, startTestService, TestEnvironment } from '@app/testing';
import { JSONCodec } from 'nats';
import { DataSource } from 'typeorm';
import { CatalogModule } from './catalog.module';
import { CatalogEnvDto } from './config/catalog-env.dto';
import { ItemEntity } from './entities/item.entity';
import { ItemRepository } from './repositories/item.repository';

describe('catalog service (real PostgreSQL + NATS)', () => {
  let env: TestEnvironment;
  let app: INestMicroservice;
  let rpc: RpcTestClient;
  const KSL = 'CN-320583-1-KSL';
  const TCL = 'CN-320585-1-TCL';

  beforeAll(async () => {
    env = await createTestEnvironment('catalog');
    app = await startTestService({ name: 'catalog', envClass: CatalogEnvDto, env: env.env(), register: CatalogModule.register });
    rpc = await createRpcTestClient(env.natsUrl);
    await rpc.request(CatalogSubjects.upsertAgency, { isil: KSL, name: '昆山市图书馆', kind: 'member' });
    await rpc.request(CatalogSubjects.upsertAgency, { isil: TCL, name: '太仓市图书馆', kind: 'partner' });
    await rpc.request(CatalogSubjects.upsertBranch, { code: 'KSL-MAIN', agency: KSL, name: '总馆', kind: 'central' });
    await rpc.request(CatalogSubjects.upsertBranch, { code: 'TCL-MAIN', agency: TCL, name: '太仓总馆', kind: 'central' });
  });

  afterAll(async () => {
    await rpc?.close();
    await app?.close();
    await env?.stop();
  });

  it('creates records and items and finds them by barcode, title and ISBN', async () => {
    const record = await rpc.request<RecordView>(CatalogSubjects.createRecord, {
      title: '水浒传',
      author: '施耐庵',
      isbn: '9787020008735',
      publisher: '人民文学出版社',
      year: 1997,
      clcCallNumber: 'I242.4',
    });
    const item = await rpc.request<ItemView>(CatalogSubjects.createItem, {
      agency: KSL,
      barcode: 'B1',
      recordId: record.id,
      itemType: 'book',
      homeBranch: 'KSL-MAIN',
      shelfLocation: '2F I242',
    });
    expect(item).toMatchObject({ agency: KSL, barcode: 'B1', status: 'available', loanable: true, title: '水浒传', currentLocation: 'KSL-MAIN' });

    const got = await rpc.request<ItemView>(CatalogSubjects.getItem, { agency: KSL, barcode: 'B1' });
    expect(got.id).toBe(item.id);
    const byTitle = await rpc.request<{ items: ItemView[]; total: number }>(CatalogSubjects.searchItems, { title: '水浒' });
    expect(byTitle.items.map((i) => i.barcode)).toContain('B1');
    const byIsbn = await rpc.request<{ items: RecordView[] }>(CatalogSubjects.searchRecords, { isbn: '9787020008735' });
    expect(byIsbn.items[0].id).toBe(record.id);
  });

  it('identifies items by (agency, barcode): the same barcode can exist in two agencies', async () => {
    const record = await rpc.request<RecordView>(CatalogSubjects.createRecord, { title: '日知录' });
    await rpc.request(CatalogSubjects.createItem, { agency: KSL, barcode: 'DUP1', recordId: record.id, itemType: 'book', homeBranch: 'KSL-MAIN' });
    await rpc.request(CatalogSubjects.createItem, { agency: TCL, barcode: 'DUP1', recordId: record.id, itemType: 'book', homeBranch: 'TCL-MAIN' });
    const ksl = await rpc.request<ItemView>(CatalogSubjects.getItem, { agency: KSL, barcode: 'DUP1' });
    const tcl = await rpc.request<ItemView>(CatalogSubjects.getItem, { agency: TCL, barcode: 'DUP1' });
    expect(ksl.id).not.toBe(tcl.id);
    await expect(
      rpc.request(CatalogSubjects.createItem, { agency: KSL, barcode: 'DUP1', recordId: record.id, itemType: 'book', homeBranch: 'KSL-MAIN' }),
    ).rejects.toMatchObject({ payload: { code: ErrorCode.Conflict } });
  });

  it('answers bad input and unknown barcodes with typed errors and keeps serving', async () => {
    await expect(rpc.request(CatalogSubjects.getItem, { agency: 'not-an-isil', barcode: 'B1' })).rejects.toMatchObject({
      payload: { code: ErrorCode.ValidationFailed },
    });
    await expect(rpc.request(CatalogSubjects.getItem, { agency: KSL, barcode: 'NOPE' })).rejects.toMatchObject({
      payload: { code: ErrorCode.ItemUnknown },
    });
    const health = await rpc.request<{ status: string }>('catalog.health.v1', {});
    expect(health.status).toBe('up');
  });

  it('relays item events through the outbox to JetStream and follows loan events', async () => {
    const record = await rpc.request<RecordView>(CatalogSubjects.createRecord, { title: '世界秩序' });
    await rpc.request(CatalogSubjects.createItem, { agency: KSL, barcode: 'EV1', recordId: record.id, itemType: 'book', homeBranch: 'KSL-MAIN' });
    const js = rpc.nc.jetstream();
    const codec = JSONCodec<{ data: { barcode: string } }>();
    // the item-created event reached the stream
    await eventually(async () => {
      const jsm = await rpc.nc.jetstreamManager();
      const msg = await jsm.streams.getMessage('CIRCULATION_EVENTS', { last_by_subj: EventSubjects.itemCreated });
      return codec.decode(msg.data).data.barcode === 'EV1';
    });
    // a loan event from the loans service marks the item on loan
    await js.publish(
      EventSubjects.loanCreated,
      JSONCodec().encode({
        id: '00000000-0000-4000-8000-000000000001',
        type: EventSubjects.loanCreated,
        source: 'loans',
        occurredAt: new Date(Date.now() + 1000).toISOString(),
        data: { loanId: 'x', patron: { agency: KSL, barcode: 'P1' }, item: { agency: KSL, barcode: 'EV1' }, branch: 'KSL-MAIN', channel: 'api', dueAt: new Date().toISOString() },
      }),
    );
    await eventually(async () => (await rpc.request<ItemView>(CatalogSubjects.getItem, { agency: KSL, barcode: 'EV1' })).status === 'on_loan');
  });

  it('hand-written findByRef hydrates exactly what TypeORM findOne with the record did', async () => {
    const full = await rpc.request<RecordView>(CatalogSubjects.createRecord, {
      title: '红楼梦', author: '曹雪芹', isbn: '9787020002207', publisher: '人民文学出版社', year: 1982, clcCallNumber: 'I242.4',
    });
    const bare = await rpc.request<RecordView>(CatalogSubjects.createRecord, { title: '无名' });
    await rpc.request(CatalogSubjects.createItem, { agency: KSL, barcode: 'HW1', recordId: full.id, itemType: 'book', homeBranch: 'KSL-MAIN', shelfLocation: '3F', priceFen: 4550 });
    await rpc.request(CatalogSubjects.createItem, { agency: KSL, barcode: 'HW2', recordId: bare.id, itemType: 'reference', homeBranch: 'KSL-MAIN' });
    const ds = app.get(DataSource);
    const repo = app.get(ItemRepository);
    const typeorm = (barcode: string) => ds.getRepository(ItemEntity).findOne({ where: { agency: KSL, barcode }, relations: { record: true } });
    for (const barcode of ['HW1', 'HW2']) {
      const expected = await typeorm(barcode);
      expect(expected).not.toBeNull();
      expect(await repo.findByRef(KSL, barcode)).toStrictEqual(expected);
      expect(await ds.transaction((m) => repo.findByRef(KSL, barcode, m))).toStrictEqual(expected);
    }
    expect(await repo.findByRef(KSL, 'NOPE')).toBeNull();
    expect(await repo.findByRef(TCL, 'HW1')).toBeNull();
  });

  it('applies a status only when it is not older than the recorded change; no location keeps the current one', async () => {
    const record = await rpc.request<RecordView>(CatalogSubjects.createRecord, { title: '状态' });
    await rpc.request(CatalogSubjects.createItem, { agency: KSL, barcode: 'ST1', recordId: record.id, itemType: 'book', homeBranch: 'KSL-MAIN' });
    const repo = app.get(ItemRepository);
    const before = (await repo.findByRef(KSL, 'ST1'))!;
    const t1 = new Date(before.statusChangedAt.getTime() + 60_000);
    expect(await repo.applyStatusIfNewer(KSL, 'ST1', 'in_transit', t1, 'TCL-MAIN')).toBe(true);
    let now = (await repo.findByRef(KSL, 'ST1'))!;
    expect(now).toMatchObject({ status: 'in_transit', currentLocation: 'TCL-MAIN', statusChangedAt: t1 });
    expect(now.updatedAt.getTime()).toBeGreaterThanOrEqual(before.updatedAt.getTime());
    // older: ignored; the same instant again (a redelivery): applied; no location: stays where it is
    expect(await repo.applyStatusIfNewer(KSL, 'ST1', 'available', new Date(t1.getTime() - 1), 'KSL-MAIN')).toBe(false);
    expect(await repo.applyStatusIfNewer(KSL, 'ST1', 'on_loan', t1)).toBe(true);
    now = (await repo.findByRef(KSL, 'ST1'))!;
    expect(now).toMatchObject({ status: 'on_loan', currentLocation: 'TCL-MAIN', statusChangedAt: t1 });
    expect(await repo.applyStatusIfNewer(KSL, 'NOPE', 'on_loan', t1)).toBe(false);
  });
});
