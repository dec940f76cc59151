import {
  EventEnvelope,
  FinePaid,
  FineWaived,
  HoldPlaced,
  HoldReady,
  LoanClosed,
  LoanCreated,
  LoanRenewed,
  OrderDelivered,
  OrderPlaced,
  ParcelCollected,
} from '@app/contracts';
import { actionOf, actionsOf, PatronPseudonymizer, statisticsChannel } from './action-mapper';
import { rowsOfLoan } from './backfill.service';

const patrons = new PatronPseudonymizer('unit-test-key-0123456789');
const kinds: Record<string, 'central' | 'self_service_24h' | 'locker'> = {
  'KSL-MAIN': 'central',
  'KSL-24H': 'self_service_24h',
  'KSL-LOCK': 'locker',
};
const kindOf = (c: string) => kinds[c];
const loanEvent = (type: string, data: Record<string, unknown>): EventEnvelope => ({
  id: '00000000-0000-4000-8000-000000000001',
  type,
  source: 'loans',
  occurredAt: '2026-03-01T02:00:00.000Z',
  data: {
    loanId: 'L1',
    patron: { agency: 'A', barcode: 'P1' },
    item: { agency: 'A', barcode: 'B1' },
    branch: 'KSL-MAIN',
    channel: 'desk',
    dueAt: '2026-04-01T00:00:00Z',
    ...data,
  },
});

describe('statistics channel', () => {
  it.each([
    ['sip2', 'KSL-MAIN', 'sip2'],
    ['sip2', 'KSL-24H', '24h'],
    ['sip2', 'KSL-LOCK', 'locker'],
    ['desk', 'KSL-24H', 'desk'],
    ['api', 'KSL-MAIN', 'desk'],
    ['o2o', 'KSL-LOCK', 'o2o'],
    ['ncip', 'KSL-MAIN', 'partner'],
    ['locker', 'KSL-LOCK', 'locker'],
    ['delivery', 'KSL-MAIN', 'o2o'],
    [undefined, 'KSL-MAIN', '-'],
  ])('%s at %s counts as %s', (raw, branch, expected) => {
    expect(statisticsChannel(raw, kindOf(branch))).toBe(expected);
  });
});

describe('actionOf', () => {
  it('keys a checkout, a return and each renewal by loan so a replay or the backfill maps to the same row', () => {
    expect(actionOf(loanEvent(LoanCreated.subject, {}), kindOf, patrons)?.key).toBe('checkout:L1');
    expect(actionOf(loanEvent(LoanClosed.subject, {}), kindOf, patrons)?.key).toBe('checkin:L1');
    expect(actionOf(loanEvent(LoanRenewed.subject, { renewals: 2 }), kindOf, patrons)?.key).toBe('renew:L1:2');
    const history = rowsOfLoan(
      {
        loanId: 'L1',
        patron: { agency: 'A', barcode: 'P1' },
        patronType: 'adult',
        item: { agency: 'A', barcode: 'B1' },
        itemType: 'book',
        owningBranch: 'KSL-MAIN',
        checkoutBranch: 'KSL-24H',
        channel: 'sip2',
        checkedOutAt: '2026-03-01T02:00:00Z',
        renewals: 2,
        lastRenewedAt: '2026-03-10T02:00:00Z',
        returnedAt: '2026-03-20T02:00:00Z',
        returnBranch: 'KSL-MAIN',
        returnChannel: 'desk',
      },
      kindOf,
      patrons,
      'A',
    );
    expect(history.map((r) => [r.key, r.channel])).toEqual([
      ['checkout:L1', '24h'],
      ['renew:L1:1', '24h'],
      ['renew:L1:2', '24h'],
      ['checkin:L1', 'desk'],
    ]);
  });

  it('stores patrons only as a keyed hash, the same for the same card and different for another key', () => {
    const row = actionOf(
      loanEvent(LoanCreated.subject, { patronType: 'child', itemType: 'children_book', owningBranch: 'KSL-MAIN' }),
      kindOf,
      patrons,
    )!;
    expect(row).toMatchObject({
      action: 'checkout',
      patronType: 'child',
      itemType: 'children_book',
      itemAgency: 'A',
      patronAgency: 'A',
    });
    expect(JSON.stringify(row)).not.toContain('P1');
    expect(row.patronHash).toBe(patrons.hash('A', 'P1'));
    expect(new PatronPseudonymizer('another-key-0123456789').hash('A', 'P1')).not.toBe(row.patronHash);
  });

  it('older events without the statistics fields count with unknown dimensions', () => {
    expect(actionOf(loanEvent(LoanCreated.subject, {}), kindOf, patrons)).toMatchObject({
      itemType: '-',
      patronType: '-',
      owningBranch: '-',
    });
  });

  it('holds count at the pickup branch; other events are not counted', () => {
    const hold = actionOf(
      {
        ...loanEvent(HoldPlaced.subject, {}),
        data: {
          holdId: 'H1',
          patron: { agency: 'A', barcode: 'P1' },
          level: 'title',
          recordId: 'R',
          title: 't',
          pickupBranch: 'KSL-LOCK',
          status: 'waiting',
        },
      },
      kindOf,
      patrons,
    );
    expect(hold).toMatchObject({ key: 'hold_placed:H1', branch: 'KSL-LOCK', action: 'hold_placed' });
    expect(actionOf(loanEvent(HoldReady.subject, {}), kindOf, patrons)).toBeNull();
  });

  it('fines paid and waived are one row per fine transaction, with the amount in fen', () => {
    const fine = (type: string, id: string, extra: Record<string, unknown>): EventEnvelope => ({
      ...loanEvent(type, {}),
      data: {
        fineTransactionId: id,
        fineId: 'F1',
        fineKind: 'overdue',
        patron: { agency: 'A', barcode: 'P1' },
        item: { agency: 'A', barcode: 'B1' },
        loanId: 'L1',
        amountFen: 150,
        outstandingFen: 0,
        paymentType: 'cash',
        branch: 'KSL-24H',
        channel: 'sip2',
        ...extra,
      },
    });
    expect(actionOf(fine(FinePaid.subject, 'T1', {}), kindOf, patrons)).toMatchObject({
      key: 'fine_paid:T1',
      action: 'fine_paid',
      branch: 'KSL-24H',
      channel: '24h',
      amountFen: 150,
      itemCount: 0,
      detail: 'overdue',
    });
    expect(
      actionOf(fine(FineWaived.subject, 'T2', { branch: null, channel: null, paymentType: null }), kindOf, patrons),
    ).toMatchObject({ key: 'fine_waived:T2', branch: '-', channel: '-', amountFen: 150 });
  });

  it('O2O orders count on the platform; a parcel collected at a locker or delivered home counts its books once per order', () => {
    const order = (type: string, extra: Record<string, unknown>): EventEnvelope => ({
      ...loanEvent(type, {}),
      data: {
        orderId: 'O1',
        patron: { agency: 'A', barcode: 'P1' },
        status: 'placed',
        mode: 'locker',
        action: 'placed',
        locker: 'KSL-LOCK',
        lockerName: null,
        compartment: null,
        pickupDeadline: null,
        titles: ['a', 'b', 'c'],
        stockLocation: 'KSL-O2O',
        ...extra,
      },
    });
    expect(actionOf(order(OrderPlaced.subject, { copiesLent: 0 }), kindOf, patrons)).toMatchObject({
      key: 'o2o_order:O1',
      channel: 'o2o',
      branch: 'KSL-LOCK',
      itemCount: 3,
    });
    expect(actionOf(order(ParcelCollected.subject, { copiesLent: 3 }), kindOf, patrons)).toMatchObject({
      key: 'o2o_collected:O1',
      channel: 'locker',
      branch: 'KSL-LOCK',
      itemCount: 3,
    });
    expect(
      actionOf(order(OrderDelivered.subject, { mode: 'home', locker: null, copiesLent: 2 }), kindOf, patrons),
    ).toMatchObject({ key: 'o2o_collected:O1', channel: 'o2o', branch: 'KSL-O2O', itemCount: 2 });
  });

  it('a checkout of a partner loan is also a partner_loan row (channel partner, the borrower home agency)', () => {
    const own = 'A';
    const rows = (data: Record<string, unknown>) =>
      actionsOf(loanEvent(LoanCreated.subject, data), kindOf, patrons, own).map((r) => [
        r.key,
        r.action,
        r.channel,
        r.patronAgency,
        r.detail ?? null,
      ]);
    expect(rows({})).toEqual([['checkout:L1', 'checkout', 'desk', 'A', null]]);
    expect(rows({ patron: { agency: 'TCL', barcode: 'T1' }, branch: 'KSL-24H', channel: 'sip2' })).toEqual([
      ['checkout:L1', 'checkout', '24h', 'TCL', null],
      ['partner_loan:L1', 'partner_loan', 'partner', 'TCL', 'partner_patron'],
    ]);
    expect(rows({ patron: { agency: 'A', barcode: 'ILL-TCL' } })).toEqual([
      ['checkout:L1', 'checkout', 'desk', 'A', null],
      ['partner_loan:L1', 'partner_loan', 'partner', 'TCL', 'lent_to_partner'],
    ]);
    expect(rows({ item: { agency: 'TCL', barcode: 'X1' } })[1]).toEqual([
      'partner_loan:L1',
      'partner_loan',
      'partner',
      'A',
      'ill_borrowed',
    ]);
    expect(rows({ channel: 'ncip' })[1]).toEqual(['partner_loan:L1', 'partner_loan', 'partner', 'A', 'at_partner']);
    // renewals and returns are not loans: no partner row
    expect(
      actionsOf(loanEvent(LoanClosed.subject, { patron: { agency: 'TCL', barcode: 'T1' } }), kindOf, patrons, own),
    ).toHaveLength(1);
  });
});
