import { fakeFine } from '../testing/fake-holds-fees';
import { currencyAccepted, fineIdForCG, fineItemText, paymentTypeOf } from './fees';

describe('fees mapping (37/38, 64 AV)', () => {
  it('maps SIP2 payment types to the loans payment types', () => {
    expect(paymentTypeOf('00')).toBe('cash');
    expect(paymentTypeOf('01')).toBe('card'); // VISA
    expect(paymentTypeOf('02')).toBe('card'); // credit card
    expect(paymentTypeOf('05')).toBe('other'); // vendor codes (WeChat/Alipay kiosks) are not standard
    expect(paymentTypeOf(undefined)).toBe('other');
  });

  it('accepts CNY or a blank currency only', () => {
    expect(currencyAccepted('CNY')).toBe(true);
    expect(currencyAccepted('cny')).toBe(true);
    expect(currencyAccepted('   ')).toBe(true);
    expect(currencyAccepted(undefined)).toBe(true);
    expect(currencyAccepted('USD')).toBe(false);
  });

  it('resolves CG: a fine id as sent in AV, or the one open fine on an item barcode', () => {
    const a = fakeFine({ id: '0f000000-0000-4000-8000-00000000000a', item: { agency: 'X', barcode: 'B1' } });
    const b = fakeFine({ id: '0f000000-0000-4000-8000-00000000000b', item: { agency: 'X', barcode: 'B2' } });
    const b2 = fakeFine({ id: '0f000000-0000-4000-8000-00000000000c', item: { agency: 'X', barcode: 'B2' } });
    expect(fineIdForCG('0F000000-0000-4000-8000-00000000000A', [])).toBe('0f000000-0000-4000-8000-00000000000a');
    expect(fineIdForCG('B1', [a, b])).toBe(a.id);
    expect(fineIdForCG('B2', [a, b, b2])).toBeUndefined(); // ambiguous
    expect(fineIdForCG('B9', [a, b])).toBeUndefined();
  });

  it('writes an AV entry as id, amount still owed, kind, item and title', () => {
    const f = fakeFine({ id: '0f000000-0000-4000-8000-00000000000a', outstandingFen: 350 });
    expect(fineItemText(f, '逾期罚款')).toBe('0f000000-0000-4000-8000-00000000000a 3.50 逾期罚款 B1 水浒传');
    expect(fineItemText(fakeFine({ id: 'x', item: null, title: null, outstandingFen: 5000 }), 'lost item fee')).toBe(
      'x 50.00 lost item fee',
    );
  });
});
