import { ErrorCode } from '@app/contracts';

/** Which language(s) screen messages (AF) are written in. */
export type ScreenLanguage = 'zh' | 'en' | 'both';

/** SIP2 language codes (fixed field, 3 digits): 000 unknown, 001 English, 019 Chinese. */
export const SIP2_LANGUAGE = { unknown: '000', english: '001', chinese: '019' } as const;

/** The language a request asked for; anything else keeps the session's current choice. */
export function screenLanguageOf(sip2Language: string | undefined, current: ScreenLanguage): ScreenLanguage {
  if (sip2Language === SIP2_LANGUAGE.english) return 'en';
  if (sip2Language === SIP2_LANGUAGE.chinese) return 'zh';
  return current;
}

/** Language we report for a patron (no per-patron preference is stored): Chinese at Chinese agencies. */
export function patronLanguage(agency: string): string {
  return agency.startsWith('CN-') ? SIP2_LANGUAGE.chinese : SIP2_LANGUAGE.unknown;
}

type Text = readonly [zh: string, en: string];

/** Every text a kiosk may show, in one table (Chinese, English). `{x}` placeholders are filled in. */
export const SCREEN_MESSAGES = {
  // refusals from the loans/patrons error codes
  [ErrorCode.PatronUnknown]: ['读者证号无效', 'Patron not found'],
  [ErrorCode.PatronBlocked]: ['读者证已暂停使用，请到服务台咨询', 'Your library account is blocked; please see staff'],
  [ErrorCode.CardLost]: ['该读者证已挂失', 'This card has been reported lost'],
  [ErrorCode.CardExpired]: ['读者证已过期，请到服务台续期', 'Your library card has expired; please see staff'],
  [ErrorCode.PinInvalid]: ['密码错误', 'Wrong PIN'],
  [ErrorCode.PinThrottled]: ['密码错误次数过多，请稍后再试', 'Too many wrong PINs; please try again later'],
  [ErrorCode.TooManyItems]: ['已达到最大借阅数量', 'You have reached your loan limit'],
  [ErrorCode.ItemUnknown]: ['无法识别该图书条码', 'Item not found'],
  [ErrorCode.ItemNotLoanable]: ['该书不可外借', 'This item cannot be borrowed'],
  [ErrorCode.ItemAlreadyOnLoan]: ['该书已被借出', 'This item is already on loan'],
  [ErrorCode.ItemNotOnLoan]: ['该书未被借出', 'This item is not on loan'],
  [ErrorCode.LoanNotFound]: ['未找到该书的借阅记录', 'No loan found for this item'],
  [ErrorCode.RenewalLimitReached]: ['已达到续借次数上限', 'Renewal limit reached'],
  [ErrorCode.RenewalRefusedHolds]: [
    '该书已被他人预约，不能续借',
    'Another patron is waiting for this item; it cannot be renewed',
  ],
  [ErrorCode.ValidationFailed]: ['条码格式无效', 'Invalid barcode'],
  [ErrorCode.BranchUnknown]: [
    '终端位置配置错误，请联系工作人员',
    'Terminal location is misconfigured; please see staff',
  ],
  [ErrorCode.AgencyUnknown]: ['机构代码无效', 'Unknown institution'],
  // holds (loans.holds.*)
  [ErrorCode.HoldNotFound]: ['未找到该预约', 'No such hold was found'],
  [ErrorCode.HoldAlreadyPlaced]: ['您已预约过该书', 'You already have a hold on this title'],
  [ErrorCode.HoldPatronHasItem]: ['您已借有该书，无需预约', 'You already have this title on loan'],
  [ErrorCode.HoldNotAllowed]: ['该书不能预约', 'Holds are not allowed on this item'],
  [ErrorCode.HoldPickupInvalid]: [
    '此处不能取预约书，请选择分馆或智能书柜',
    'Holds cannot be collected here; please choose a branch or a locker',
  ],
  [ErrorCode.HoldNotCancellable]: ['该预约已结束，无法取消', 'This hold has already ended and cannot be cancelled'],
  [ErrorCode.ItemHeldForAnotherPatron]: ['该书已为其他读者预留', 'This item is on hold for another patron'],
  // fines (loans.fines.*)
  [ErrorCode.FineNotFound]: ['未找到该笔费用', 'Fee not found'],
  [ErrorCode.PaymentExceedsBalance]: ['缴费金额超过应缴金额', 'The amount is more than what is owed'],
  // exactly-once writes, offline transactions, renewal rules
  [ErrorCode.OfflineDateInvalid]: [
    '日期无效或超出离线受理期限，请到服务台办理',
    'The date is not valid or outside the accepted offline period; please see staff',
  ],
  [ErrorCode.RenewalTooSoon]: ['距应还日期尚远，暂不能续借', 'It is too early to renew this item'],
  renewalTooSoonFrom: [
    '距应还日期尚远，{date} 起可续借',
    'It is too early to renew this item; it can be renewed from {date}',
  ],
  [ErrorCode.RequestAbandoned]: [
    '系统未能及时处理，本次操作已取消，请重试',
    'The system did not answer in time and this transaction was cancelled; please try again',
  ],
  [ErrorCode.IdempotencyKeyReused]: ['交易重复，请重新操作', 'Duplicate transaction; please start again'],
  offlineWindow: ['离线交易受理期限 {days} 天', 'Offline transactions accepted up to {days} days back'],
  finesBlocked: ['您有未缴罚款，请先缴费', 'You have unpaid fines; please pay them first'],
  finesBlockedAmount: ['您有未缴罚款 {owed} 元，请先缴费', 'You owe {owed} CNY in fines; please pay them first'],
  overdueBlocked: ['您有逾期未还的图书，请先归还', 'You have overdue items; please return them first'],
  unavailable: [
    '系统暂时无法处理，请稍后再试或联系工作人员',
    'The system is temporarily unavailable; please try again or see staff',
  ],
  // session
  notLoggedIn: ['终端未登录', 'Terminal is not logged in'],
  barcodeRequired: ['请提供图书条码', 'An item barcode is required'],
  // successes
  checkedOut: ['借书成功，应还日期 {due}', 'Checked out; due {due}'],
  checkedIn: ['还书成功', 'Checked in'],
  checkedInNotOnLoan: ['还书完成（该书未被借出）', 'Checked in (the item was not on loan)'],
  transit: ['请将此书送往 {dest}', 'Please route this item to {dest}'],
  renewed: ['续借成功，应还日期 {due}', 'Renewed; due {due}'],
  renewAll: ['续借成功 {renewed} 册，未续借 {unrenewed} 册', '{renewed} renewed, {unrenewed} not renewed'],
  goodbye: ['谢谢使用，再见', 'Thank you, goodbye'],
  blocked: ['读者证已暂停使用', 'Card blocked'],
  enabled: ['读者证已恢复使用', 'Card re-enabled'],
  checkoutCancelled: ['借书已取消', 'Checkout cancelled'],
  fineCharged: ['逾期罚款 {amount} 元', 'Overdue fine: {amount} CNY'],
  holdShelf: ['此书已被预约，请放入预约架', 'On hold: please put it on the hold shelf'],
  holdTransit: ['此书已被预约，请送往 {dest}', 'On hold: please send it to {dest}'],
  holdPlaced: ['预约成功，取书地点 {pickup}', 'Hold placed; pick it up at {pickup}'],
  holdQueue: ['当前排队第 {pos} 位', 'You are number {pos} in the queue'],
  holdReady: ['该书已在预约架上，请在 {date} 前取书', 'It is waiting on the hold shelf; collect it by {date}'],
  holdCancelled: ['预约已取消', 'Hold cancelled'],
  feePaid: ['缴费成功 {paid} 元，尚欠 {owed} 元', 'Paid {paid} CNY; {owed} CNY still owed'],
  feePaidAll: ['缴费成功 {paid} 元，费用已结清', 'Paid {paid} CNY; nothing is owed now'],
  // refused by the adapter itself (nothing was sent on)
  holdItemRequired: ['请扫描要预约的图书条码', 'Please scan the barcode of the item you want to hold'],
  holdModeInvalid: ['无效的预约操作', 'Unknown hold operation'],
  holdChangeNotSupported: [
    '暂不支持修改取书地点，请取消后重新预约或到服务台办理',
    'Changing the pickup location is not supported; cancel and place the hold again, or see staff',
  ],
  feeAmountInvalid: ['缴费金额无效', 'The payment amount is not valid'],
  transactionIdInvalid: ['交易号无效（最长 64 个字符）', 'The transaction id is not valid (64 characters at most)'],
  currencyNotAccepted: ['仅接受人民币缴费', 'Only payments in CNY are accepted'],
  nothingOwed: ['暂无应缴费用，请勿缴费', 'No fees are owed; please do not pay'],
  paymentExceeds: ['缴费金额超过应缴金额（应缴 {owed} 元）', 'The amount is more than what is owed ({owed} CNY)'],
  feeAlreadySettled: ['该笔费用已结清', 'This fee is already settled'],
  // fine item kinds (64 AV)
  fineOverdue: ['逾期罚款', 'overdue fine'],
  fineLostItem: ['遗失赔偿', 'lost item fee'],
  // not supported, answered truthfully
  itemPropertiesNotStored: ['系统不保存物品属性', 'Item properties are not stored by the library system'],
} as const satisfies Record<string, Text>;

export type ScreenMessageKey = keyof typeof SCREEN_MESSAGES;

const UNAVAILABLE_CODES: ReadonlySet<string> = new Set([
  ErrorCode.Timeout,
  ErrorCode.ServiceUnavailable,
  ErrorCode.Internal,
]);

/** The message key for an error code from loans/patrons/catalog (unknown codes read as "unavailable"). */
export function messageKeyForError(code: string | undefined): ScreenMessageKey {
  if (code && !UNAVAILABLE_CODES.has(code) && Object.prototype.hasOwnProperty.call(SCREEN_MESSAGES, code))
    return code as ScreenMessageKey;
  return 'unavailable';
}

/**
 * The message key for a thrown backend refusal, reading its details where the code alone is too vague:
 * PATRON_BLOCKED because of the automatic fines or overdue block (and nothing else) says so.
 */
export function messageKeyForRefusal(err: unknown): ScreenMessageKey {
  const e = err as { code?: unknown; details?: { blocks?: unknown } } | undefined;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  if (code === ErrorCode.PatronBlocked) {
    const blocks = e?.details?.blocks;
    if (Array.isArray(blocks) && blocks.length > 0 && blocks.every((b) => b === 'fines' || b === 'overdue')) {
      return blocks.includes('fines') ? 'finesBlocked' : 'overdueBlocked';
    }
  }
  return messageKeyForError(code);
}

export function screenMessage(
  key: ScreenMessageKey,
  language: ScreenLanguage,
  vars: Record<string, string | number> = {},
): string {
  const [zh, en] = SCREEN_MESSAGES[key] as Text;
  const fill = (s: string) => s.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
  if (language === 'zh') return fill(zh);
  if (language === 'en') return fill(en);
  return `${fill(zh)} / ${fill(en)}`;
}
