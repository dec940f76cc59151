import { LoanView } from '@app/contracts';
import { fakeItem } from '../testing/fake-circulation.backend';
import { circulationStatus, magneticMedia, mediaType } from './item-status';

const loan = { status: 'open' } as LoanView;

describe('circulation status (18)', () => {
  it.each([
    ['available', null, '03'],
    ['available', loan, '04'], // the loans service is the authority: catalog lags
    ['on_loan', loan, '04'],
    ['on_loan', null, '03'], // returned, catalog not caught up
    ['in_transit', null, '10'],
    ['on_hold_shelf', null, '08'],
    ['lost', loan, '12'],
    ['missing', null, '13'],
    ['claimed_returned', loan, '11'],
    ['in_processing', null, '06'],
    ['damaged', null, '01'],
    ['withdrawn', null, '01'],
  ] as const)('%s with loan=%p -> %s', (status, l, expected) => {
    expect(circulationStatus(fakeItem({ status }), l)).toBe(expected);
  });

  it('takes hold shelf / transit from the loans service holds before the catalog mirror; claimed returned from the loan', () => {
    expect(circulationStatus(fakeItem({ status: 'available' }), null, 'ready')).toBe('08');
    expect(circulationStatus(fakeItem({ status: 'available' }), null, 'in_transit')).toBe('10');
    expect(circulationStatus(fakeItem({ status: 'on_hold_shelf' }), loan, 'ready')).toBe('04'); // lent to the hold's patron
    expect(
      circulationStatus(fakeItem({ status: 'on_loan' }), {
        status: 'open',
        claimedReturnedAt: '2026-11-01T00:00:00Z',
      } as LoanView),
    ).toBe('11');
    expect(circulationStatus(fakeItem({ status: 'lost' }), null, 'ready')).toBe('12');
  });

  it('is 01 (other) for an unknown item', () => {
    expect(circulationStatus(null, null)).toBe('01');
  });

  it('maps item types to CK media types and magnetic media', () => {
    expect(mediaType('book')).toBe('001');
    expect(mediaType('children_book')).toBe('001');
    expect(mediaType('periodical')).toBe('002');
    expect(mediaType('audiovisual')).toBe('006');
    expect(mediaType('something')).toBe('000');
    expect(magneticMedia('book')).toBe('N');
    expect(magneticMedia('audiovisual')).toBe('U');
  });
});
