import { ErrorCode } from '@app/contracts';
import {
  messageKeyForError,
  messageKeyForRefusal,
  patronLanguage,
  screenLanguageOf,
  screenMessage,
} from './screen-messages';

describe('screen messages', () => {
  it('names the loans refusal in Chinese and English', () => {
    expect(screenMessage(messageKeyForError(ErrorCode.ItemAlreadyOnLoan), 'both')).toBe(
      '该书已被借出 / This item is already on loan',
    );
    expect(screenMessage(messageKeyForError(ErrorCode.TooManyItems), 'zh')).toBe('已达到最大借阅数量');
    expect(screenMessage(messageKeyForError(ErrorCode.CardExpired), 'en')).toBe(
      'Your library card has expired; please see staff',
    );
  });

  it('reads unknown codes and backend failures as "temporarily unavailable"', () => {
    expect(messageKeyForError('SOMETHING_NEW')).toBe('unavailable');
    expect(messageKeyForError(ErrorCode.Timeout)).toBe('unavailable');
    expect(messageKeyForError(undefined)).toBe('unavailable');
  });

  it('fills placeholders', () => {
    expect(screenMessage('checkedOut', 'both', { due: '2026-12-25' })).toBe(
      '借书成功，应还日期 2026-12-25 / Checked out; due 2026-12-25',
    );
  });

  it('follows the SIP2 language of the request (001 English, 019 Chinese) and keeps the session choice otherwise', () => {
    expect(screenLanguageOf('001', 'both')).toBe('en');
    expect(screenLanguageOf('019', 'en')).toBe('zh');
    expect(screenLanguageOf('000', 'zh')).toBe('zh');
    expect(patronLanguage('CN-320583-1-KSL')).toBe('019');
    expect(patronLanguage('DE-1')).toBe('000');
  });

  it('names hold and fine refusals from the loans service', () => {
    expect(screenMessage(messageKeyForError(ErrorCode.HoldAlreadyPlaced), 'both')).toBe(
      '您已预约过该书 / You already have a hold on this title',
    );
    expect(screenMessage(messageKeyForError(ErrorCode.HoldNotAllowed), 'en')).toBe(
      'Holds are not allowed on this item',
    );
    expect(screenMessage(messageKeyForError(ErrorCode.ItemHeldForAnotherPatron), 'zh')).toBe('该书已为其他读者预留');
    expect(screenMessage(messageKeyForError(ErrorCode.RenewalRefusedHolds), 'en')).toBe(
      'Another patron is waiting for this item; it cannot be renewed',
    );
  });

  it('reads PATRON_BLOCKED details: the automatic fines/overdue blocks say what lifts them, a manual block does not', () => {
    const blocked = (blocks: string[]) => ({ code: ErrorCode.PatronBlocked, details: { blocks } });
    expect(messageKeyForRefusal(blocked(['fines']))).toBe('finesBlocked');
    expect(messageKeyForRefusal(blocked(['overdue']))).toBe('overdueBlocked');
    expect(messageKeyForRefusal(blocked(['overdue', 'fines']))).toBe('finesBlocked');
    expect(messageKeyForRefusal(blocked(['manual', 'fines']))).toBe(ErrorCode.PatronBlocked);
    expect(messageKeyForRefusal({ code: ErrorCode.PatronBlocked, details: { status: 'inactive' } })).toBe(
      ErrorCode.PatronBlocked,
    );
    expect(messageKeyForRefusal({ code: ErrorCode.Timeout })).toBe('unavailable');
    expect(messageKeyForRefusal(new Error('boom'))).toBe('unavailable');
    expect(screenMessage('finesBlockedAmount', 'both', { owed: '12.00' })).toBe(
      '您有未缴罚款 12.00 元，请先缴费 / You owe 12.00 CNY in fines; please pay them first',
    );
  });
});
