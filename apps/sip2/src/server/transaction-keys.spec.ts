import { TransactionKeyLedger } from './transaction-keys';

describe('TransactionKeyLedger', () => {
  it('sends a key repeated with nothing in between unchanged (a retransmission)', () => {
    const l = new TransactionKeyLedger();
    expect(l.keyFor('kiosk01', 'B1', 'k-out')).toBe('k-out');
    expect(l.keyFor('kiosk01', 'B1', 'k-out')).toBe('k-out');
  });

  it('renames a key repeated after another write on the same thing, and keeps the new name for its retransmission', () => {
    const l = new TransactionKeyLedger();
    l.keyFor('kiosk01', 'B1', 'k-out');
    l.keyFor('kiosk01', 'B1', 'k-in');
    const second = l.keyFor('kiosk01', 'B1', 'k-out');
    expect(second).toMatch(/^k-out#[A-Za-z0-9_-]{8}$/);
    expect(l.keyFor('kiosk01', 'B1', 'k-out')).toBe(second);
    // a third transaction under that key gets a name of its own again
    l.keyFor('kiosk01', 'B1', 'k-in');
    const third = l.keyFor('kiosk01', 'B1', 'k-out');
    expect(third).not.toBe(second);
    expect(third.startsWith('k-out#')).toBe(true);
  });

  it('writes on other copies or by other terminals do not make a key new', () => {
    const l = new TransactionKeyLedger();
    l.keyFor('kiosk01', 'B1', 'k-out');
    l.keyFor('kiosk01', 'B2', 'k-other');
    l.keyFor('kiosk02', 'B1', 'k-in');
    expect(l.keyFor('kiosk01', 'B1', 'k-out')).toBe('k-out');
  });

  it('forgets after its time to live and beyond its size (a forgotten key is taken for a retransmission)', () => {
    let now = 0;
    const l = new TransactionKeyLedger(2, 1_000, () => now);
    l.keyFor('t', 'B1', 'a');
    l.keyFor('t', 'B1', 'b');
    now = 2_000;
    expect(l.keyFor('t', 'B1', 'a')).toBe('a');
    l.keyFor('t', 'B2', 'x');
    l.keyFor('t', 'B3', 'y');
    expect(l.size).toBe(2);
  });

  it('keeps a renamed key within the key shape however long the original', () => {
    const l = new TransactionKeyLedger();
    const long = `sip2:${'x'.repeat(195)}`;
    l.keyFor('t', 'B1', long);
    l.keyFor('t', 'B1', 'other');
    expect(l.keyFor('t', 'B1', long)).toMatch(/^sip2:h:[0-9a-f]{64}$/);
  });
});
