import { ErrorCode } from '@app/contracts';
import { fakePatron } from '../testing/fake-circulation.backend';
import { limitsFromSummary, patronRefusalKey, patronStatusString } from './patron-status';

describe('patron status (14 chars)', () => {
  const summary = { openLoans: 3, overdueLoans: 1 };

  it('is all blanks for a patron in good standing', () => {
    expect(patronStatusString(fakePatron(), summary)).toBe(' '.repeat(14));
  });

  it("is Evergreen's YYYY + 10 blanks for an unknown patron", () => {
    expect(patronStatusString(null)).toBe('YYYY' + ' '.repeat(10));
  });

  it('denies privileges and flags the card when it is reported lost', () => {
    const s = patronStatusString(fakePatron({ blocks: ['card_lost'], circulationBlocked: true }), summary);
    expect(s).toBe('YYYYY' + ' '.repeat(9));
  });

  it('denies privileges for an expired card without inventing other flags', () => {
    expect(patronStatusString(fakePatron({ expired: true, circulationBlocked: true }))).toBe('YYYY' + ' '.repeat(10));
  });

  it('maps overdue and fines blocks to their positions (7 and 11)', () => {
    const s = patronStatusString(fakePatron({ blocks: ['overdue', 'fines'], circulationBlocked: true }), summary);
    expect(s[6]).toBe('Y');
    expect(s[10]).toBe('Y');
    expect(s.slice(0, 4)).toBe('YYYY');
  });

  it('reports "too many items charged" only when a limit is known', () => {
    expect(patronStatusString(fakePatron(), summary)[5]).toBe(' ');
    expect(patronStatusString(fakePatron(), summary, { chargedItems: 3 })[5]).toBe('Y');
    expect(
      limitsFromSummary({
        patron: { agency: 'a', barcode: 'b' },
        openLoans: 0,
        overdueLoans: 0,
        holds: 0,
        finesFen: 0,
      }),
    ).toEqual({});
  });

  it('gives the refusal reason in the loans service order (lost card first)', () => {
    expect(patronRefusalKey(null)).toBe(ErrorCode.PatronUnknown);
    expect(patronRefusalKey(fakePatron({ blocks: ['card_lost', 'manual'] }))).toBe(ErrorCode.CardLost);
    expect(patronRefusalKey(fakePatron({ blocks: ['manual'] }))).toBe(ErrorCode.PatronBlocked);
    expect(patronRefusalKey(fakePatron({ status: 'inactive' }))).toBe(ErrorCode.PatronBlocked);
    expect(patronRefusalKey(fakePatron({ expired: true }))).toBe(ErrorCode.CardExpired);
    expect(patronRefusalKey(fakePatron())).toBeNull();
  });

  it('names the automatic fines and overdue blocks, and flags position 11 from the fines block', () => {
    const fines = fakePatron({ blocks: ['fines'], circulationBlocked: true });
    expect(patronRefusalKey(fines)).toBe('finesBlocked');
    expect(patronRefusalKey(fakePatron({ blocks: ['overdue'], circulationBlocked: true }))).toBe('overdueBlocked');
    expect(patronRefusalKey(fakePatron({ blocks: ['fines', 'manual'] }))).toBe(ErrorCode.PatronBlocked);
    const s = patronStatusString(fines, summary);
    expect(s).toBe('YYYY' + '      ' + 'Y' + '   ');
  });
});
