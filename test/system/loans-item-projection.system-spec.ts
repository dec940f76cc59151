import {
  CatalogGetItemCirculation,
  CatalogSubjects,
  ErrorCode,
  FineSubjects,
  ItemCirculationState,
  ItemView,
} from '@app/contracts';
import { eventually } from '@app/testing';
import { ItemProjectionBackfill } from '../../apps/loans/src/items/item-projection-backfill.service';
import { ItemProjectionRepository } from '../../apps/loans/src/items/item-projection.repository';
import { CirculationFixture, KSL, refusal } from './support/circulation-fixture';

interface ProjectionRow {
  title: string;
  status: string;
  loanable: boolean;
  version: number;
}

/** loans' item projection (docs/circulation.md, "The item projection"): fed by catalog events, read by checkout. */
describe('loans item projection (catalog events → loans.items)', () => {
  const fx = new CirculationFixture({ prefix: 'itemproj', db: true });
  let recordId: string;

  const row = async (barcode: string): Promise<ProjectionRow | null> =>
    ((
      await fx.db.query(`SELECT title, status, loanable, version FROM loans.items WHERE agency = $1 AND barcode = $2`, [
        KSL,
        barcode,
      ])
    ).rows[0] as ProjectionRow | undefined) ?? null;
  const updateItem = (barcode: string, changes: Record<string, unknown>) =>
    fx.rpc.request<ItemView>(CatalogSubjects.updateItem, { agency: KSL, barcode, ...changes });

  beforeAll(async () => {
    await fx.start();
    await fx.registerKsl();
    recordId = await fx.newRecord('天工开物');
    await fx.createPatron('P-1');
    await fx.createPatron('P-2');
  });

  afterAll(() => fx.stop());

  it('keeps each catalog item change, newest version winning', async () => {
    await fx.createItem('PJ-1', recordId);
    await eventually(async () => (await row('PJ-1'))?.version === 1);
    await updateItem('PJ-1', { shelfLocation: '3F N092' });
    await updateItem('PJ-1', { status: 'missing' });
    await eventually(async () => (await row('PJ-1'))?.version === 3);
    expect(await row('PJ-1')).toEqual({ title: '天工开物', status: 'missing', loanable: true, version: 3 });
  });

  it('lends from the projection row, without asking the catalog', async () => {
    await fx.createItem('PJ-2', recordId);
    await eventually(async () => (await row('PJ-2'))?.version === 1);
    // a title only the projection has: the loan shows it, so the checkout read the row
    await fx.db.query(`UPDATE loans.items SET title = '天工开物（投影）' WHERE agency = $1 AND barcode = 'PJ-2'`, [
      KSL,
    ]);
    const { loan } = await fx.checkout('P-1', 'PJ-2');
    expect(loan.title).toBe('天工开物（投影）');
  });

  it('asks the catalog when the row is missing, and keeps the answer', async () => {
    await fx.createItem('PJ-3', recordId);
    await eventually(async () => (await row('PJ-3')) !== null);
    await fx.db.query(`DELETE FROM loans.items WHERE agency = $1 AND barcode = 'PJ-3'`, [KSL]);
    const { loan } = await fx.checkout('P-1', 'PJ-3');
    expect(loan.title).toBe('天工开物');
    expect(await row('PJ-3')).toMatchObject({ status: 'available', loanable: true });
    await expect(fx.checkout('P-1', 'PJ-NONE')).rejects.toMatchObject(refusal(ErrorCode.ItemUnknown));
  });

  it('confirms a refusing row with the catalog: a copy made lendable a moment ago is lent', async () => {
    await fx.createItem('PJ-4', recordId, { status: 'in_processing' });
    await eventually(async () => (await row('PJ-4'))?.status === 'in_processing');
    await expect(fx.checkout('P-1', 'PJ-4')).rejects.toMatchObject(refusal(ErrorCode.ItemNotLoanable));
    // the catalog's change; its event may not have reached loans yet, the checkout asks
    await updateItem('PJ-4', { status: 'available' });
    await fx.db.query(
      `UPDATE loans.items SET status = 'in_processing', version = 1 WHERE agency = $1 AND barcode = 'PJ-4'`,
      [KSL],
    );
    expect((await fx.checkout('P-1', 'PJ-4')).loan.item.barcode).toBe('PJ-4');
    expect(await row('PJ-4')).toMatchObject({ status: 'available', version: 2 });
  });

  it('an old event never overwrites a newer row (a replayed item-created)', async () => {
    await fx.createItem('PJ-5', recordId);
    await updateItem('PJ-5', { status: 'withdrawn', loanable: false });
    await eventually(async () => (await row('PJ-5'))?.version === 2);
    // the item-created state (version 1) delivered again, late
    const created = {
      ...(await fx.rpc.request<ItemCirculationState>(CatalogGetItemCirculation.subject, {
        agency: KSL,
        barcode: 'PJ-5',
      })),
      status: 'available' as const,
      loanable: true,
      version: 1,
    };
    expect(await fx.services[2].get(ItemProjectionRepository).upsert([created])).toBe(0);
    expect(await row('PJ-5')).toMatchObject({ status: 'withdrawn', loanable: false, version: 2 });
    await expect(fx.checkout('P-1', 'PJ-5')).rejects.toMatchObject(refusal(ErrorCode.ItemNotLoanable));
  });

  it('learns a loan-driven lost status from the catalog (item-updated on a change of lendability)', async () => {
    await fx.createItem('PJ-6', recordId);
    await fx.checkout('P-2', 'PJ-6');
    await fx.rpc.request(FineSubjects.markLost, {
      item: { agency: KSL, barcode: 'PJ-6' },
      patron: { agency: KSL, barcode: 'P-2' },
    });
    await eventually(async () => (await row('PJ-6'))?.status === 'lost');
    await expect(fx.checkout('P-1', 'PJ-6')).rejects.toMatchObject(refusal(ErrorCode.ItemNotLoanable));
  });

  it('an empty projection is backfilled from the catalog', async () => {
    await fx.db.query(`DELETE FROM loans.items`);
    const read = await fx.services[2].get(ItemProjectionBackfill).fillIfEmpty();
    expect(read).toBeGreaterThanOrEqual(6);
    expect(await row('PJ-1')).toMatchObject({ status: 'missing', version: 3 });
    expect(await row('PJ-6')).toMatchObject({ status: 'lost' });
    // not empty: nothing to do
    expect(await fx.services[2].get(ItemProjectionBackfill).fillIfEmpty()).toBe(0);
  });
});
