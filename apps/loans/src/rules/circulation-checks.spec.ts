import { ErrorCode, ItemView, PatronView } from '@app/contracts';
import { itemRefusal, patronRefusal } from './circulation-checks';

const patron = (over: Partial<PatronView> = {}): PatronView => ({
  id: 'p',
  agency: 'CN-320583-1-KSL',
  barcode: 'P1',
  name: '张三',
  patronType: 'adult',
  homeBranch: 'KSL-MAIN',
  cardExpiresOn: '2030-12-31',
  status: 'active',
  blocks: [],
  expired: false,
  circulationBlocked: false,
  email: null,
  phone: null,
  createdAt: '',
  updatedAt: '',
  ...over,
});

const item = (over: Partial<ItemView> = {}): ItemView => ({
  id: 'i',
  agency: 'CN-320583-1-KSL',
  barcode: 'B1',
  recordId: 'r',
  itemType: 'book',
  homeBranch: 'KSL-MAIN',
  currentLocation: 'KSL-MAIN',
  shelfLocation: null,
  status: 'available',
  loanable: true,
  priceFen: null,
  suppressed: false,
  title: '水浒传',
  author: null,
  isbn: null,
  clcCallNumber: null,
  createdAt: '',
  updatedAt: '',
  ...over,
});

const today = '2025-06-01';

describe('patronRefusal', () => {
  it('lets an active, unblocked patron with a valid card (and PIN) borrow', () => {
    expect(patronRefusal(patron(), today)).toBeNull();
    expect(patronRefusal(patron(), today, { valid: true })).toBeNull();
    expect(patronRefusal(patron({ cardExpiresOn: today }), today)).toBeNull(); // valid through its last day
  });

  it('maps each problem to its code, a lost card first', () => {
    expect(patronRefusal(patron({ blocks: ['manual', 'card_lost'] }), today, { valid: false })?.code).toBe(
      ErrorCode.CardLost,
    );
    expect(patronRefusal(patron(), today, { valid: false, throttled: true })?.code).toBe(ErrorCode.PinThrottled);
    expect(patronRefusal(patron({ blocks: ['fines'] }), today, { valid: false })?.code).toBe(ErrorCode.PinInvalid);
    expect(patronRefusal(patron({ blocks: ['fines'] }), today)?.code).toBe(ErrorCode.PatronBlocked);
    expect(patronRefusal(patron({ status: 'inactive' }), today)?.code).toBe(ErrorCode.PatronBlocked);
    expect(patronRefusal(patron({ expired: true }), today)?.code).toBe(ErrorCode.CardExpired);
    expect(patronRefusal(patron({ cardExpiresOn: '2025-05-31' }), today)?.code).toBe(ErrorCode.CardExpired);
  });
});

describe('itemRefusal', () => {
  it('accepts loanable items whatever the catalog mirror says about loans', () => {
    expect(itemRefusal(item())).toBeNull();
    expect(itemRefusal(item({ status: 'on_loan' }))).toBeNull();
  });

  it('refuses reference copies and lost, missing or withdrawn items', () => {
    expect(itemRefusal(item({ loanable: false, itemType: 'reference' }))?.code).toBe(ErrorCode.ItemNotLoanable);
    for (const status of ['lost', 'missing', 'withdrawn', 'claimed_returned', 'damaged', 'in_processing'] as const) {
      expect(itemRefusal(item({ status }))).toMatchObject({ code: ErrorCode.ItemNotLoanable, details: { status } });
    }
  });
});
