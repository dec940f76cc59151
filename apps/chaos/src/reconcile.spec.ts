import { LoanRow, reconcile } from './reconcile';
import { TxRecord } from './transaction-log';

const tx = (over: Partial<TxRecord>): TxRecord => ({
  driver: 'kiosk-1',
  channel: 'sip2',
  kind: 'checkout',
  item: 'I1',
  patron: 'P1',
  sentAt: 1000,
  doneAt: 1010,
  outcome: 'acked',
  phase: 'f',
  ...over,
});
let loanIds = 0;
const loan = (checkedOutAt: number, returnedAt: number | null = null, item = 'I1'): LoanRow => ({
  id: `L${++loanIds}`,
  item,
  patron: 'P1',
  checkedOutAt,
  returnedAt,
});
const items = new Set(['I1']);

describe("reconcile (the kiosks' log against the loans table)", () => {
  it('finds nothing wrong when every acked checkout and checkin is there once', () => {
    const log = [tx({ sentAt: 1000 }), tx({ kind: 'checkin', sentAt: 2000, closedLoan: true }), tx({ sentAt: 3000 })];
    const f = reconcile(log, [loan(1005, 2004), loan(3002)], items).get('f')!;
    expect(f).toMatchObject({ acked: 3, lost: 0, duplicated: 0, refusedButCommitted: 0 });
  });

  it('counts an acked checkout the database does not have as lost', () => {
    const f = reconcile([tx({ sentAt: 1000 })], [], items).get('f')!;
    expect(f.lost).toBe(1);
    expect(f.examples[0]).toMatch(/acked checkout of I1/);
  });

  it('counts an acked checkin that left the loan open as lost', () => {
    const log = [tx({ sentAt: 1000 }), tx({ kind: 'checkin', sentAt: 2000, closedLoan: true })];
    expect(reconcile(log, [loan(1005)], items).get('f')!.lost).toBe(1);
  });

  it('counts a refused checkout that was committed anyway, in the phase it was sent in', () => {
    const log = [tx({ sentAt: 1000, outcome: 'refused', phase: 'pause loans' })];
    const f = reconcile(log, [loan(9000)], items).get('pause loans')!;
    expect(f).toMatchObject({ refused: 1, refusedButCommitted: 1, lost: 0, duplicated: 0 });
  });

  it('counts a refused write that committed and was made good after (checkout undone, checkin listed) apart', () => {
    // the checkout committed before loans hung; its refusal came back through write-unresolved and closed it
    const undone = loan(1005, 9000);
    const log = [tx({ sentAt: 1000, outcome: 'refused', phase: 'pause loans' })];
    const f = reconcile(log, [undone], items, new Map([[undone.id, 'checkout']])).get('pause loans')!;
    expect(f).toMatchObject({ refusedCompensated: 1, refusedButCommitted: 0, duplicated: 0 });
    // a refused checkin that closed the loan, on the exceptions list
    const returned = loan(1005, 2004);
    const log2 = [
      tx({ sentAt: 1000 }),
      tx({ kind: 'checkin', sentAt: 2000, outcome: 'refused', phase: 'pause loans' }),
    ];
    const g = reconcile(log2, [returned], items, new Map([[returned.id, 'checkin']])).get('pause loans')!;
    expect(g).toMatchObject({ refusedCompensated: 1, refusedButCommitted: 0 });
    // an exception for another kind of write does not excuse it
    const h = reconcile(log2, [returned], items, new Map([[returned.id, 'renew']])).get('pause loans')!;
    expect(h).toMatchObject({ refusedCompensated: 0, refusedButCommitted: 1 });
  });

  it('counts an unanswered checkout that was committed apart (the kiosk could not know)', () => {
    const f = reconcile([tx({ outcome: 'unanswered' })], [loan(1003)], items).get('f')!;
    expect(f).toMatchObject({ unanswered: 1, unansweredCommitted: 1, refusedButCommitted: 0, lost: 0 });
  });

  it('counts two loans for one checkout, and a loan no checkout explains, as duplicated', () => {
    expect(reconcile([tx({ sentAt: 1000 })], [loan(1002), loan(1600)], items).get('f')!.duplicated).toBe(1);
    expect(reconcile([tx({ sentAt: 1000 })], [loan(500), loan(1002)], items).get('f')!.duplicated).toBe(1);
  });

  it('does not expect a loan to close when the checkin said none was open', () => {
    const log = [tx({ kind: 'checkin', sentAt: 1000, closedLoan: false })];
    expect(reconcile(log, [], items).get('f')).toMatchObject({ acked: 1, lost: 0 });
  });
});
