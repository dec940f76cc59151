import { allocateCopies, PickCopy, PickHold } from './pick-list';

const KSL = 'CN-320583-1-KSL';
const hold = (id: string, pickupBranch: string, item?: string): PickHold => ({
  id,
  level: item ? 'item' : 'title',
  itemAgency: item ? KSL : null,
  itemBarcode: item ?? null,
  pickupBranch,
});
const copy = (barcode: string, currentLocation: string): PickCopy => ({ agency: KSL, barcode, currentLocation });

describe('allocateCopies (pick list)', () => {
  it('gives each hold one copy, in queue order, preferring one at its pickup branch', () => {
    const holds = [hold('h1', 'KSL-ZS'), hold('h2', 'KSL-MAIN'), hold('h3', 'KSL-HQ')];
    const copies = [copy('B2', 'KSL-MAIN'), copy('B1', 'KSL-ZS')];
    const got = allocateCopies(holds, copies).map((a) => [a.hold.id, a.copy.barcode]);
    expect(got).toEqual([
      ['h1', 'B1'],
      ['h2', 'B2'],
    ]);
  });

  it('falls back to the first free copy by location and barcode, the same in every branch', () => {
    const got = allocateCopies(
      [hold('h1', 'KSL-HQ')],
      [copy('B9', 'KSL-ZS'), copy('B3', 'KSL-MAIN'), copy('B1', 'KSL-ZS')],
    );
    expect(got.map((a) => a.copy.barcode)).toEqual(['B3']);
  });

  it('fills an item-level hold only with its own copy', () => {
    const holds = [hold('h1', 'KSL-MAIN', 'B5'), hold('h2', 'KSL-MAIN')];
    const got = allocateCopies(holds, [copy('B4', 'KSL-MAIN'), copy('B5', 'KSL-ZS')]).map((a) => [
      a.hold.id,
      a.copy.barcode,
    ]);
    expect(got).toEqual([
      ['h1', 'B5'],
      ['h2', 'B4'],
    ]);
    expect(allocateCopies([hold('h1', 'KSL-MAIN', 'B7')], [copy('B4', 'KSL-MAIN')])).toEqual([]);
  });
});
