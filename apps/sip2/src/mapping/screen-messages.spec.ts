import { ErrorCode } from '@app/contracts';
import { messageKeyForError, patronLanguage, screenLanguageOf, screenMessage } from './screen-messages';

describe('screen messages', () => {
  it('names the loans refusal in Chinese and English', () => {
    expect(screenMessage(messageKeyForError(ErrorCode.ItemAlreadyOnLoan), 'both')).toBe('该书已被借出 / This item is already on loan');
    expect(screenMessage(messageKeyForError(ErrorCode.TooManyItems), 'zh')).toBe('已达到最大借阅数量');
    expect(screenMessage(messageKeyForError(ErrorCode.CardExpired), 'en')).toBe('Your library card has expired; please see staff');
  });

  it('reads unknown codes and backend failures as "temporarily unavailable"', () => {
    expect(messageKeyForError('SOMETHING_NEW')).toBe('unavailable');
    expect(messageKeyForError(ErrorCode.Timeout)).toBe('unavailable');
    expect(messageKeyForError(undefined)).toBe('unavailable');
  });

  it('fills placeholders', () => {
    expect(screenMessage('checkedOut', 'both', { due: '2026-12-25' })).toBe('借书成功，应还日期 2026-12-25 / Checked out; due 2026-12-25');
  });

  it('follows the SIP2 language of the request (001 English, 019 Chinese) and keeps the session choice otherwise', () => {
    expect(screenLanguageOf('001', 'both')).toBe('en');
    expect(screenLanguageOf('019', 'en')).toBe('zh');
    expect(screenLanguageOf('000', 'zh')).toBe('zh');
    expect(patronLanguage('CN-320583-1-KSL')).toBe('019');
    expect(patronLanguage('DE-1')).toBe('000');
  });
});
