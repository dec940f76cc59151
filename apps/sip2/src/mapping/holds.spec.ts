import { fakeHold } from '../testing/fake-holds-fees';
import {
  copySetAside,
  findHoldToCancel,
  holdAvailable,
  holdExpiry,
  holdLists,
  holdModeOf,
  localDateOfSipDate,
  recordIdOf,
} from './holds';

const KSL = 'CN-320583-1-KSL';
const ref = (barcode: string) => ({ agency: KSL, barcode });

describe('holds mapping (15/16, 63/64, 17/18)', () => {
  it('reads the hold mode and only uuid-shaped AJ as a record id', () => {
    expect(['+', '-', '*', ' ', undefined].map(holdModeOf)).toEqual([
      'place',
      'cancel',
      'change',
      undefined,
      undefined,
    ]);
    expect(recordIdOf('1F0C2A3B-0000-4000-8000-00000000000A')).toBe('1f0c2a3b-0000-4000-8000-00000000000a');
    expect(recordIdOf('红楼梦')).toBeUndefined();
    expect(recordIdOf(undefined)).toBeUndefined();
  });

  it('turns BW into a local date, ignoring blanks and impossible dates', () => {
    expect(localDateOfSipDate('20261231    235959')).toBe('2026-12-31');
    expect(localDateOfSipDate('20261231')).toBe('2026-12-31');
    expect(localDateOfSipDate('                  ')).toBeUndefined();
    expect(localDateOfSipDate('20260230    000000')).toBeUndefined();
    expect(localDateOfSipDate(undefined)).toBeUndefined();
  });

  it('splits active holds into AS (ready, by the copy on the shelf) and CD (waiting/in transit, by copy or title)', () => {
    const holds = [
      fakeHold({ status: 'ready', level: 'title', item: null, trappedItem: ref('B3') }),
      fakeHold({ status: 'waiting', item: ref('B1') }),
      fakeHold({ status: 'waiting', level: 'title', item: null, title: '红楼梦' }),
      fakeHold({ status: 'in_transit', level: 'title', item: null, trappedItem: ref('B7') }),
      fakeHold({ status: 'cancelled', item: ref('B9') }),
    ];
    expect(holdLists(holds)).toEqual({ available: ['B3'], unavailable: ['B1', '红楼梦', 'B7'] });
  });

  it('finds the hold a cancel means: this copy, the copy set aside, its title, or AJ', () => {
    const item = fakeHold({ item: ref('B1'), recordId: 'r1' });
    const trapped = fakeHold({ level: 'title', item: null, trappedItem: ref('B5'), recordId: 'r5' });
    const title = fakeHold({ level: 'title', item: null, recordId: 'r9', title: '三体' });
    const holds = [item, trapped, title];
    expect(findHoldToCancel(holds, { barcode: 'B1' })).toBe(item);
    expect(findHoldToCancel(holds, { barcode: 'B5' })).toBe(trapped);
    expect(findHoldToCancel(holds, { recordId: 'r9' })).toBe(title);
    expect(findHoldToCancel(holds, { title: '三体' })).toBe(title);
    expect(findHoldToCancel(holds, { barcode: 'B2' })).toBeUndefined();
  });

  it('16 available/BW: ready holds are available until the pickup deadline; others lapse after not-needed-after', () => {
    const ready = fakeHold({ status: 'ready', pickupDeadline: '2026-12-02T15:59:59.999Z' });
    expect(holdAvailable(ready)).toBe(true);
    expect(holdExpiry(ready, 'Asia/Shanghai')).toBe('20261202    235959');
    const waiting = fakeHold({ notNeededAfter: '2026-12-31' });
    expect(holdAvailable(waiting)).toBe(false);
    expect(holdExpiry(waiting, 'Asia/Shanghai')).toBe('20261231    235959');
    expect(holdExpiry(fakeHold(), 'Asia/Shanghai')).toBeUndefined();
  });

  it('18: a copy is set aside when a ready or in-transit hold trapped it', () => {
    const queue = [
      fakeHold({ status: 'waiting', item: ref('B1') }),
      fakeHold({ status: 'in_transit', trappedItem: ref('B2') }),
    ];
    expect(copySetAside(queue, 'B1')).toBeUndefined();
    expect(copySetAside(queue, 'B2')?.status).toBe('in_transit');
  });
});
