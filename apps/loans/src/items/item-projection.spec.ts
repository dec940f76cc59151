import { EventEnvelope, ItemCirculationState, ItemCreated } from '@app/contracts';
import { stateOf } from './catalog-item-events.consumer';
import { newestPerItem } from './item-projection.repository';

const KSL = 'CN-320583-1-KSL';
const state = (barcode: string, version: number, status = 'available'): ItemCirculationState => ({
  itemId: `00000000-0000-4000-8000-00000000000${version}`,
  agency: KSL,
  barcode,
  recordId: '00000000-0000-4000-8000-000000000100',
  title: '梦溪笔谈',
  itemType: 'book',
  homeBranch: 'KSL-MAIN',
  status: status as ItemCirculationState['status'],
  loanable: true,
  version,
});

describe('item projection', () => {
  it('keeps one state per item, the highest version, whatever the delivery order', () => {
    const got = newestPerItem([state('B1', 2, 'missing'), state('B2', 1), state('B1', 3), state('B1', 1, 'lost')]);
    expect(got.map((s) => [s.barcode, s.version, s.status])).toEqual([
      ['B1', 3, 'available'],
      ['B2', 1, 'available'],
    ]);
  });

  it('takes the state an item event carries, and skips events written before they carried it', () => {
    const envelope = (data: object) =>
      ({ id: 'e', type: ItemCreated.subject, source: 'catalog', occurredAt: '', data }) as EventEnvelope as Parameters<
        typeof stateOf
      >[0];
    const s = state('B1', 4);
    expect(stateOf(envelope({ ...s }))).toEqual(s);
    const { version: _v, recordId: _r, title: _t, loanable: _l, ...old } = s;
    expect(stateOf(envelope(old))).toBeNull();
  });
});
