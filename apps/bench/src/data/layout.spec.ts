import { ITEMS_PER_KIOSK, SCALES } from '../scale';
import {
  benchUuid,
  circulates,
  dueFor,
  isOpenLoanItem,
  itemBarcode,
  itemHomeBranch,
  kioskBranch,
  kioskItems,
  kioskPatrons,
  layoutFor,
  openLoanItem,
  openLoanPatron,
  patronBarcode,
  patronInGoodStanding,
  replayItemPool,
  replayPatronPool,
  ruleFor,
} from './layout';

describe('bench data layout', () => {
  const l = layoutFor(SCALES.small);

  it('uses barcode ranges that cannot collide with the demo data', () => {
    expect(itemBarcode(0)).toBe('K000000001');
    expect(patronBarcode(4)).toBe('R00000005');
    expect(benchUuid('item', 255)).toBe('b0000002-0000-4000-8000-0000000000ff');
  });

  it('puts open loans on distinct circulating items, never on kiosk or replay items', () => {
    const items = new Set<number>();
    for (let j = 0; j < l.spec.openLoans; j++) {
      const i = openLoanItem(l, j);
      expect(circulates(l, i)).toBe(true);
      expect(isOpenLoanItem(l, i)).toBe(true);
      expect(patronInGoodStanding(l, openLoanPatron(l, j))).toBe(true);
      items.add(i);
    }
    expect(items.size).toBe(l.spec.openLoans);
    const replay = new Set(replayItemPool(l));
    for (const i of items) expect(replay.has(i)).toBe(false);
    for (const i of kioskItems(l, 0)) expect(replay.has(i)).toBe(false);
  });

  it('gives every kiosk its own items, shelved at its own branch, and its own patrons', () => {
    const a = kioskItems(l, 3);
    const b = kioskItems(l, 4);
    expect(a).toHaveLength(ITEMS_PER_KIOSK);
    expect(a.some((i) => b.includes(i))).toBe(false);
    for (const i of a) expect(itemHomeBranch(l, i)).toBe(kioskBranch(l, 3));
    expect(Math.max(...kioskItems(l, l.spec.kioskCapacity - 1))).toBe(l.spec.items - 1);
    expect(Math.max(...kioskPatrons(l, l.spec.kioskCapacity - 1))).toBe(l.spec.patrons - 1);
    const replayPatrons = new Set(replayPatronPool(l));
    for (const p of kioskPatrons(l, 0)) expect(replayPatrons.has(p)).toBe(false);
  });

  it('picks the loan rule and due date the loans service would', () => {
    expect(ruleFor('child', 'audiovisual')).toBe('children-audiovisual');
    expect(ruleFor('adult', 'book')).toBe('default');
    // 2026-01-10 20:00 UTC is 01-11 04:00 in Shanghai; +30 days → due 2026-02-10, end of day local
    expect(dueFor(new Date('2026-01-10T20:00:00Z'), 30)).toEqual({
      dueAt: new Date('2026-02-10T15:59:59.000Z'),
      dueDate: '2026-02-10',
    });
  });
});
