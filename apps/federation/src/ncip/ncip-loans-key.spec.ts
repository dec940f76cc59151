import { IDEMPOTENCY_KEY_PATTERN } from '@app/contracts';
import { loansIdempotencyKey } from './ncip-handlers.service';

describe('loansIdempotencyKey (a partner write retried after a lost reply is answered by loans from the first outcome)', () => {
  const TCL = 'CN-320585-1-TCL';

  it('is (FromAgencyId, service, RequestId), readable when it fits the loans key shape', () => {
    expect(loansIdempotencyKey(TCL, 'CheckOutItem', 'TCL-CO-1')).toBe('ncip:CN-320585-1-TCL:CheckOutItem:TCL-CO-1');
  });

  it('differs by partner and by service, so one RequestId used for a checkout and a renewal stays two writes', () => {
    const keys = new Set([
      loansIdempotencyKey(TCL, 'CheckOutItem', 'R1'),
      loansIdempotencyKey(TCL, 'RenewItem', 'R1'),
      loansIdempotencyKey('CN-320581-1-CSL', 'CheckOutItem', 'R1'),
    ]);
    expect(keys.size).toBe(3);
  });

  it('hashes a RequestId that does not fit (spaces, non-ASCII, too long), stably', () => {
    for (const rid of ['借阅 42', 'x'.repeat(300), 'a b']) {
      const k = loansIdempotencyKey(TCL, 'CheckInItem', rid)!;
      expect(k).toMatch(IDEMPOTENCY_KEY_PATTERN);
      expect(k).toBe(loansIdempotencyKey(TCL, 'CheckInItem', rid));
      expect(k.startsWith('ncip:CN-320585-1-TCL:CheckInItem:h:')).toBe(true);
    }
    expect(loansIdempotencyKey(TCL, 'CheckInItem', 'a b')).not.toBe(loansIdempotencyKey(TCL, 'CheckInItem', 'a  b'));
  });

  it('is none without a RequestId (item-only writes are safe by their meaning)', () => {
    expect(loansIdempotencyKey(TCL, 'CheckInItem', undefined)).toBeUndefined();
  });
});
