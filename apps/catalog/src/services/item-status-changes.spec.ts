import { CollapsedItemStatusChange, collapseStatusChanges, ItemStatusChange } from './item-status-changes';

interface Row {
  status: string;
  statusChangedAt: number;
  currentLocation: string;
  updated: boolean;
}

/** `ItemRepository.applyStatusIfNewer`'s SQL, one change at a time. */
function applyOneByOne(row: Row, changes: ItemStatusChange[]): Row {
  const r = { ...row };
  for (const c of changes) {
    if (r.statusChangedAt <= c.at.getTime()) {
      r.status = c.status;
      r.statusChangedAt = c.at.getTime();
      r.currentLocation = c.location || r.currentLocation;
      r.updated = true;
    }
  }
  return r;
}

/** `ItemRepository.applyStatusesIfNewer`'s SQL for one item's collapsed change. */
function applyCollapsed(row: Row, c: CollapsedItemStatusChange | undefined): Row {
  if (!c || !(row.statusChangedAt <= c.at.getTime())) return { ...row };
  return {
    status: c.status,
    statusChangedAt: c.at.getTime(),
    currentLocation:
      c.locationAt !== null && row.statusChangedAt <= c.locationAt.getTime() ? c.location! : row.currentLocation,
    updated: true,
  };
}

const KSL = 'CN-320583-1-KSL';
const T = Date.parse('2026-03-01T08:00:00.000Z');
const change = (barcode: string, status: string, dt: number, location?: string | null): ItemStatusChange => ({
  agency: KSL,
  barcode,
  status,
  at: new Date(T + dt),
  location,
});

describe('collapseStatusChanges', () => {
  it('keeps the newest change per item, whatever the delivery order', () => {
    const out = collapseStatusChanges([
      change('B2', 'on_loan', 5),
      change('B1', 'on_loan', 10),
      change('B1', 'available', 3, 'KSL-ZS'),
      change('B2', 'available', 7, 'KSL-MAIN'),
    ]);
    expect(out).toEqual([
      { agency: KSL, barcode: 'B1', status: 'on_loan', at: new Date(T + 10), location: null, locationAt: null },
      {
        agency: KSL,
        barcode: 'B2',
        status: 'available',
        at: new Date(T + 7),
        location: 'KSL-MAIN',
        locationAt: new Date(T + 7),
      },
    ]);
  });

  it('a later delivery at the same instant wins (as a redelivery applies again today)', () => {
    expect(collapseStatusChanges([change('B1', 'on_loan', 1), change('B1', 'available', 1, 'KSL-ZS')])).toEqual([
      {
        agency: KSL,
        barcode: 'B1',
        status: 'available',
        at: new Date(T + 1),
        location: 'KSL-ZS',
        locationAt: new Date(T + 1),
      },
    ]);
  });

  it('keeps the location of an earlier change the newest one does not move (on hold shelf, then checked out)', () => {
    expect(collapseStatusChanges([change('B1', 'on_hold_shelf', 1, 'KSL-MAIN'), change('B1', 'on_loan', 2)])).toEqual([
      {
        agency: KSL,
        barcode: 'B1',
        status: 'on_loan',
        at: new Date(T + 2),
        location: 'KSL-MAIN',
        locationAt: new Date(T + 1),
      },
    ]);
  });

  it('an empty location is no location; items are told apart by agency and barcode', () => {
    const out = collapseStatusChanges([
      change('B1', 'on_loan', 1, ''),
      { ...change('B1', 'available', 0, 'TCL-MAIN'), agency: 'CN-320585-1-TCL' },
    ]);
    expect(out).toEqual([
      { agency: KSL, barcode: 'B1', status: 'on_loan', at: new Date(T + 1), location: null, locationAt: null },
      {
        agency: 'CN-320585-1-TCL',
        barcode: 'B1',
        status: 'available',
        at: new Date(T),
        location: 'TCL-MAIN',
        locationAt: new Date(T),
      },
    ]);
  });

  it('gives the same rows as applying the changes one by one, for any order and any recorded time', () => {
    // a small deterministic generator: many short sequences over few items, times and locations
    let seed = 42;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const statuses = ['on_loan', 'available', 'in_transit', 'on_hold_shelf', 'lost'];
    const locations = [undefined, null, '', 'KSL-MAIN', 'KSL-ZS'];
    for (let round = 0; round < 1000; round++) {
      const changes = Array.from({ length: 1 + rnd(6) }, () =>
        change(`B${rnd(3)}`, statuses[rnd(statuses.length)], rnd(5), locations[rnd(locations.length)]),
      );
      const collapsed = collapseStatusChanges(changes);
      expect(new Set(collapsed.map((c) => c.barcode)).size).toBe(collapsed.length);
      for (const barcode of ['B0', 'B1', 'B2']) {
        const row: Row = {
          status: 'available',
          statusChangedAt: T + rnd(6) - 1,
          currentLocation: 'HOME',
          updated: false,
        };
        const mine = changes.filter((c) => c.barcode === barcode);
        expect(
          applyCollapsed(
            row,
            collapsed.find((c) => c.barcode === barcode),
          ),
        ).toEqual(applyOneByOne(row, mine));
      }
    }
  });

  it('orders items by (agency, barcode) so concurrent batches lock rows in the same order', () => {
    const out = collapseStatusChanges([
      change('B3', 'on_loan', 0),
      change('B1', 'on_loan', 0),
      { ...change('A9', 'on_loan', 0), agency: 'CN-320585-1-TCL' },
      change('B2', 'on_loan', 0),
    ]);
    expect(out.map((c) => `${c.agency}/${c.barcode}`)).toEqual([
      `${KSL}/B1`,
      `${KSL}/B2`,
      `${KSL}/B3`,
      'CN-320585-1-TCL/A9',
    ]);
  });
});
