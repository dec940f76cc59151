import { INestMicroservice } from '@nestjs/common';
import {
  CatalogSubjects,
  ErrorCode,
  EventEnvelope,
  EventSubjects,
  ItemView,
  RecordView,
  TransitEventSubjects,
} from '@app/contracts';
import {
  createRpcTestClient,
  createTestEnvironment,
  eventually,
  RpcTestClient,
  startTestService,
  TestEnvironment,
} from '@app/testing';
import { JSONCodec } from 'nats';
import { DataSource } from 'typeorm';
import { CatalogModule } from './catalog.module';
import { CatalogEnvDto } from './config/catalog-env.dto';
import { ItemEntity } from './entities/item.entity';
import { ItemRepository } from './repositories/item.repository';
import { collapseStatusChanges, ItemStatusChange } from './services/item-status-changes';

describe('catalog service (real PostgreSQL + NATS)', () => {
  let env: TestEnvironment;
  let app: INestMicroservice;
  let rpc: RpcTestClient;
  const KSL = 'CN-320583-1-KSL';
  const TCL = 'CN-320585-1-TCL';

  beforeAll(async () => {
    env = await createTestEnvironment('catalog');
    app = await startTestService({
      name: 'catalog',
      envClass: CatalogEnvDto,
      env: env.env(),
      register: CatalogModule.register,
    });
    rpc = await createRpcTestClient(env.natsUrl);
    await rpc.request(CatalogSubjects.upsertAgency, { isil: KSL, name: '昆山市图书馆', kind: 'member' });
    await rpc.request(CatalogSubjects.upsertAgency, { isil: TCL, name: '太仓市图书馆', kind: 'partner' });
    await rpc.request(CatalogSubjects.upsertBranch, { code: 'KSL-MAIN', agency: KSL, name: '总馆', kind: 'central' });
    await rpc.request(CatalogSubjects.upsertBranch, {
      code: 'TCL-MAIN',
      agency: TCL,
      name: '太仓总馆',
      kind: 'central',
    });
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
    expect(item).toMatchObject({
      agency: KSL,
      barcode: 'B1',
      status: 'available',
      loanable: true,
      title: '水浒传',
      currentLocation: 'KSL-MAIN',
    });

    const got = await rpc.request<ItemView>(CatalogSubjects.getItem, { agency: KSL, barcode: 'B1' });
    expect(got.id).toBe(item.id);
    const byTitle = await rpc.request<{ items: ItemView[]; total: number }>(CatalogSubjects.searchItems, {
      title: '水浒',
    });
    expect(byTitle.items.map((i) => i.barcode)).toContain('B1');
    const byIsbn = await rpc.request<{ items: RecordView[] }>(CatalogSubjects.searchRecords, { isbn: '9787020008735' });
    expect(byIsbn.items[0].id).toBe(record.id);
  });

  it('keeps suppressed copies and records (temporary interlibrary copies) out of search; staff find them by barcode', async () => {
    const shown = await rpc.request<RecordView>(CatalogSubjects.createRecord, { title: '浮生六记 馆藏' });
    const stub = await rpc.request<RecordView>(CatalogSubjects.createRecord, {
      title: '浮生六记 馆际互借',
      suppressed: true,
    });
    expect(stub.suppressed).toBe(true);
    expect(shown.suppressed).toBe(false);
    await rpc.request(CatalogSubjects.createItem, {
      agency: KSL,
      barcode: 'FS-OWN',
      recordId: shown.id,
      itemType: 'book',
      homeBranch: 'KSL-MAIN',
    });
    const temp = await rpc.request<ItemView>(CatalogSubjects.createItem, {
      agency: TCL,
      barcode: 'FS-ILL',
      recordId: stub.id,
      itemType: 'book',
      homeBranch: 'KSL-MAIN',
      suppressed: true,
    });
    expect(temp.suppressed).toBe(true);

    const byTitle = await rpc.request<{ items: ItemView[]; total: number }>(CatalogSubjects.searchItems, {
      title: '浮生六记',
    });
    expect(byTitle.items.map((i) => i.barcode)).toEqual(['FS-OWN']);
    expect(byTitle.total).toBe(1);
    const atBranch = await rpc.request<{ items: ItemView[] }>(CatalogSubjects.searchItems, {
      branch: 'KSL-MAIN',
      limit: 100,
    });
    expect(atBranch.items.map((i) => i.barcode)).not.toContain('FS-ILL');
    const byRecord = await rpc.request<{ items: ItemView[] }>(CatalogSubjects.searchItems, { recordId: stub.id });
    expect(byRecord.items).toEqual([]);
    const records = await rpc.request<{ items: RecordView[]; total: number }>(CatalogSubjects.searchRecords, {
      title: '浮生六记',
    });
    expect(records.items.map((r) => r.id)).toEqual([shown.id]);

    // staff: by barcode, by (agency, barcode), or asking for suppressed ones too
    const byBarcode = await rpc.request<{ items: ItemView[] }>(CatalogSubjects.searchItems, { barcode: 'FS-ILL' });
    expect(byBarcode.items.map((i) => i.agency)).toEqual([TCL]);
    expect((await rpc.request<ItemView>(CatalogSubjects.getItem, { agency: TCL, barcode: 'FS-ILL' })).suppressed).toBe(
      true,
    );
    const staff = await rpc.request<{ items: ItemView[] }>(CatalogSubjects.searchItems, {
      title: '浮生六记',
      includeSuppressed: true,
    });
    expect(staff.items.map((i) => i.barcode).sort()).toEqual(['FS-ILL', 'FS-OWN']);
    const staffRecords = await rpc.request<{ items: RecordView[] }>(CatalogSubjects.searchRecords, {
      title: '浮生六记',
      includeSuppressed: 'true',
    });
    expect(staffRecords.items).toHaveLength(2);

    // an update that does not mention it keeps it suppressed
    const updated = await rpc.request<ItemView>(CatalogSubjects.updateItem, {
      agency: TCL,
      barcode: 'FS-ILL',
      status: 'withdrawn',
    });
    expect(updated.suppressed).toBe(true);
  });

  it('identifies items by (agency, barcode): the same barcode can exist in two agencies', async () => {
    const record = await rpc.request<RecordView>(CatalogSubjects.createRecord, { title: '日知录' });
    await rpc.request(CatalogSubjects.createItem, {
      agency: KSL,
      barcode: 'DUP1',
      recordId: record.id,
      itemType: 'book',
      homeBranch: 'KSL-MAIN',
    });
    await rpc.request(CatalogSubjects.createItem, {
      agency: TCL,
      barcode: 'DUP1',
      recordId: record.id,
      itemType: 'book',
      homeBranch: 'TCL-MAIN',
    });
    const ksl = await rpc.request<ItemView>(CatalogSubjects.getItem, { agency: KSL, barcode: 'DUP1' });
    const tcl = await rpc.request<ItemView>(CatalogSubjects.getItem, { agency: TCL, barcode: 'DUP1' });
    expect(ksl.id).not.toBe(tcl.id);
    await expect(
      rpc.request(CatalogSubjects.createItem, {
        agency: KSL,
        barcode: 'DUP1',
        recordId: record.id,
        itemType: 'book',
        homeBranch: 'KSL-MAIN',
      }),
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
    await rpc.request(CatalogSubjects.createItem, {
      agency: KSL,
      barcode: 'EV1',
      recordId: record.id,
      itemType: 'book',
      homeBranch: 'KSL-MAIN',
    });
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
        data: {
          loanId: 'x',
          patron: { agency: KSL, barcode: 'P1' },
          item: { agency: KSL, barcode: 'EV1' },
          branch: 'KSL-MAIN',
          channel: 'api',
          dueAt: new Date().toISOString(),
        },
      }),
    );
    await eventually(
      async () =>
        (await rpc.request<ItemView>(CatalogSubjects.getItem, { agency: KSL, barcode: 'EV1' })).status === 'on_loan',
    );
  });

  it('hand-written findByRef hydrates exactly what TypeORM findOne with the record did', async () => {
    const full = await rpc.request<RecordView>(CatalogSubjects.createRecord, {
      title: '红楼梦',
      author: '曹雪芹',
      isbn: '9787020002207',
      publisher: '人民文学出版社',
      year: 1982,
      clcCallNumber: 'I242.4',
    });
    const bare = await rpc.request<RecordView>(CatalogSubjects.createRecord, { title: '无名' });
    await rpc.request(CatalogSubjects.createItem, {
      agency: KSL,
      barcode: 'HW1',
      recordId: full.id,
      itemType: 'book',
      homeBranch: 'KSL-MAIN',
      shelfLocation: '3F',
      priceFen: 4550,
    });
    await rpc.request(CatalogSubjects.createItem, {
      agency: KSL,
      barcode: 'HW2',
      recordId: bare.id,
      itemType: 'reference',
      homeBranch: 'KSL-MAIN',
    });
    const ds = app.get(DataSource);
    const repo = app.get(ItemRepository);
    const typeorm = (barcode: string) =>
      ds.getRepository(ItemEntity).findOne({ where: { agency: KSL, barcode }, relations: { record: true } });
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
    await rpc.request(CatalogSubjects.createItem, {
      agency: KSL,
      barcode: 'ST1',
      recordId: record.id,
      itemType: 'book',
      homeBranch: 'KSL-MAIN',
    });
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

  it('a batch in one statement leaves the rows applying each change in turn would (twin items)', async () => {
    const record = await rpc.request<RecordView>(CatalogSubjects.createRecord, { title: '批量' });
    const barcodes = ['BA1', 'BA2', 'BA3', 'BA4'];
    for (const b of [...barcodes, ...barcodes.map((b) => `${b}-TWIN`)]) {
      await rpc.request(CatalogSubjects.createItem, {
        agency: KSL,
        barcode: b,
        recordId: record.id,
        itemType: 'book',
        homeBranch: 'KSL-MAIN',
      });
    }
    const repo = app.get(ItemRepository);
    const base = (await repo.findByRef(KSL, 'BA1'))!.statusChangedAt.getTime() + 60_000;
    const at = (s: number) => new Date(base + s * 1000);
    // BA4 (and its twin) already carry a change at +5 s
    await repo.applyStatusIfNewer(KSL, 'BA4', 'in_transit', at(5), 'TCL-MAIN');
    await repo.applyStatusIfNewer(KSL, 'BA4-TWIN', 'in_transit', at(5), 'TCL-MAIN');
    const changes: ItemStatusChange[] = [
      { agency: KSL, barcode: 'BA1', status: 'on_loan', at: at(2) },
      { agency: KSL, barcode: 'BA1', status: 'available', at: at(1), location: 'TCL-MAIN' }, // older, later: ignored
      { agency: KSL, barcode: 'BA2', status: 'on_hold_shelf', at: at(1), location: 'TCL-MAIN' },
      { agency: KSL, barcode: 'BA2', status: 'on_loan', at: at(2) }, // on loan from the hold shelf's branch
      { agency: KSL, barcode: 'BA3', status: 'available', at: at(3), location: '' },
      { agency: KSL, barcode: 'BA4', status: 'available', at: at(4), location: 'KSL-MAIN' }, // older than recorded
      { agency: KSL, barcode: 'BA4', status: 'on_loan', at: at(6) }, // newer: applied, stays at TCL-MAIN
      { agency: KSL, barcode: 'NOPE', status: 'on_loan', at: at(6) }, // unknown item: ignored
    ];
    for (const c of changes)
      await repo.applyStatusIfNewer(c.agency, `${c.barcode}-TWIN`, c.status, c.at, c.location ?? undefined);
    const before = (await repo.findByRef(KSL, 'BA1'))!.updatedAt;
    expect(await repo.applyStatusesIfNewer(collapseStatusChanges(changes))).toBe(4);
    const view = ({ status, currentLocation, statusChangedAt }: ItemEntity) => ({
      status,
      currentLocation,
      statusChangedAt,
    });
    for (const b of barcodes) {
      const batched = (await repo.findByRef(KSL, b))!;
      expect(view(batched)).toEqual(view((await repo.findByRef(KSL, `${b}-TWIN`))!));
      expect(batched.updatedAt.getTime()).toBeGreaterThanOrEqual(before.getTime());
    }
    expect(view((await repo.findByRef(KSL, 'BA2'))!)).toEqual({
      status: 'on_loan',
      currentLocation: 'TCL-MAIN',
      statusChangedAt: at(2),
    });
    expect(view((await repo.findByRef(KSL, 'BA4'))!)).toEqual({
      status: 'on_loan',
      currentLocation: 'TCL-MAIN',
      statusChangedAt: at(6),
    });
    // the same batch again (a redelivery) changes the same rows to the same values; all older: none
    expect(await repo.applyStatusesIfNewer(collapseStatusChanges(changes))).toBe(4);
    expect(
      await repo.applyStatusesIfNewer(
        collapseStatusChanges(changes.map((c) => ({ ...c, at: new Date(c.at.getTime() - 10_000) }))),
      ),
    ).toBe(0);
    expect(await repo.applyStatusesIfNewer([])).toBe(0);
  });

  it('follows a burst of loan events (out of order, several per item) with batched updates; a bad event holds back no other', async () => {
    const record = await rpc.request<RecordView>(CatalogSubjects.createRecord, { title: '突发' });
    const N = 40;
    const barcode = (i: number) => `BU${i}`;
    await Promise.all(
      Array.from({ length: N + 3 }, (_, i) =>
        rpc.request(CatalogSubjects.createItem, {
          agency: KSL,
          barcode: barcode(i),
          recordId: record.id,
          itemType: 'book',
          homeBranch: 'KSL-MAIN',
        }),
      ),
    );
    const repo = app.get(ItemRepository);
    const jsm = await rpc.nc.jetstreamManager();
    const pending = async () => (await jsm.consumers.info('CIRCULATION_EVENTS', 'catalog-loan-status')).num_ack_pending;
    const base = Date.now() + 60_000;
    const at = (s: number) => new Date(base + s * 1000).toISOString();
    let seq = 0;
    const js = rpc.nc.jetstream();
    const publish = (type: string, data: unknown, occurredAt: string) =>
      js.publish(
        type,
        JSONCodec<EventEnvelope>().encode({
          id: `00000000-0000-4000-9000-${String(++seq).padStart(12, '0')}`,
          type,
          source: 'loans',
          occurredAt,
          data,
        }),
      );
    const loan = (i: number, branch = 'KSL-MAIN') => ({
      loanId: `l${i}`,
      patron: { agency: KSL, barcode: 'P1' },
      item: { agency: KSL, barcode: barcode(i) },
      branch,
      channel: 'sip2',
      dueAt: at(99),
    });
    const statusOf = async (i: number) => {
      const { status, currentLocation } = (await repo.findByRef(KSL, barcode(i)))!;
      return { status, currentLocation };
    };
    const single = repo.applyStatusIfNewer.bind(repo);
    const batched = jest.spyOn(repo, 'applyStatusesIfNewer');

    /** Publish `burst` while the consumer is held on one event, so that all of it is delivered at once. */
    const whileBusy = async (blocker: () => Promise<unknown>, burst: () => Promise<unknown>[]) => {
      let open!: () => void;
      const gate = new Promise<void>((r) => (open = r));
      const held = jest
        .spyOn(repo, 'applyStatusIfNewer')
        .mockImplementationOnce(async (...args) => (await gate, single(...args)));
      try {
        const before = await pending();
        const from = seq;
        await blocker();
        await eventually(async () => held.mock.calls.length === 1);
        await Promise.all(burst());
        await eventually(async () => (await pending()) === before + seq - from);
      } finally {
        open();
        held.mockRestore();
      }
    };

    try {
      await whileBusy(
        () => publish(EventSubjects.loanCreated, loan(0), at(1)),
        () => {
          const burst: Promise<unknown>[] = [];
          for (let i = 1; i < N; i++) {
            if (i % 4 === 1) {
              // returned at another branch, the checkin delivered before the checkout
              burst.push(
                publish(EventSubjects.loanClosed, loan(i, 'TCL-MAIN'), at(2)),
                publish(EventSubjects.loanCreated, loan(i), at(1)),
              );
            } else if (i % 4 === 2) {
              // on the hold shelf at TCL-MAIN, then checked out: on loan, still at TCL-MAIN
              burst.push(
                publish(
                  TransitEventSubjects.itemStatusChanged,
                  { item: { agency: KSL, barcode: barcode(i) }, status: 'on_hold_shelf', location: 'TCL-MAIN' },
                  at(1),
                ),
                publish(EventSubjects.loanCreated, loan(i), at(2)),
              );
            } else if (i % 4 === 3) {
              burst.push(
                publish(EventSubjects.loanCreated, loan(i), at(1)),
                publish(EventSubjects.loanClosed, loan(i), at(2)),
                publish(EventSubjects.loanCreated, loan(i), at(3)),
              );
            } else {
              burst.push(publish(EventSubjects.loanCreated, loan(i), at(1)));
            }
          }
          return burst;
        },
      );
      const expected = (i: number) =>
        i % 4 === 1
          ? { status: 'available', currentLocation: 'TCL-MAIN' }
          : i % 4 === 2
            ? { status: 'on_loan', currentLocation: 'TCL-MAIN' }
            : { status: 'on_loan', currentLocation: 'KSL-MAIN' };
      await eventually(async () => (await pending()) === 0);
      for (let i = 0; i < N; i++) expect(await statusOf(i)).toEqual(expected(i));
      // the burst went in batches (one statement for many events), not one statement per event
      const sizes = batched.mock.calls.map(([changes]) => changes.length);
      expect(Math.max(...sizes)).toBeGreaterThan(1);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(N - 1); // one change per item
      expect(batched.mock.results.every((r) => r.type === 'return')).toBe(true);

      // a batch with an event the database refuses (bad time) falls back to one by one: the others are applied
      await whileBusy(
        () => publish(EventSubjects.loanClosed, loan(N), at(1)),
        () => [
          publish(EventSubjects.loanCreated, loan(N + 1), at(1)),
          publish(EventSubjects.loanCreated, loan(N), 'not a time'),
          publish(EventSubjects.loanCreated, loan(N + 2), at(1)),
        ],
      );
      await eventually(
        async () => (await statusOf(N + 1)).status === 'on_loan' && (await statusOf(N + 2)).status === 'on_loan',
      );
      expect(await statusOf(N)).toEqual({ status: 'available', currentLocation: 'KSL-MAIN' });
      // only the bad event is still waiting (nak-ed, redelivered with back-off)
      await eventually(async () => (await pending()) === 1);
    } finally {
      batched.mockRestore();
    }
  });
});
