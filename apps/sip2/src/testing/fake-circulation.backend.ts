// Test double for unit specs: the suite's patrons/catalog/loans behaviour reduced to what SIP2 observes.
import {
  CheckinResult,
  CheckoutResult,
  ErrorCode,
  ItemView,
  LoanView,
  PatronBlockKind,
  PatronSummary,
  PatronView,
  RenewResult,
  VerifyPinResult,
} from '@app/contracts';
import { CheckinOptions, CirculationBackend, Ref, WriteOptions } from '../backend/circulation-backend';

export class FakeRemoteError extends Error {
  constructor(
    readonly code: string,
    message = code,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

const key = (r: Ref) => `${r.agency}/${r.barcode}`;

export function fakePatron(over: Partial<PatronView> = {}): PatronView {
  return {
    id: 'p1',
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
    email: 'zs@example.cn',
    phone: '13800000000',
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    ...over,
  };
}

export function fakeItem(over: Partial<ItemView> = {}): ItemView {
  return {
    id: 'i1',
    agency: 'CN-320583-1-KSL',
    barcode: 'B1',
    recordId: 'r1',
    itemType: 'book',
    homeBranch: 'KSL-MAIN',
    currentLocation: 'KSL-MAIN',
    shelfLocation: null,
    status: 'available',
    loanable: true,
    priceFen: null,
    suppressed: false,
    title: '水浒传',
    author: '施耐庵',
    isbn: null,
    clcCallNumber: 'I242.4',
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    ...over,
  };
}

export class FakeCirculationBackend implements CirculationBackend {
  patrons = new Map<string, PatronView>();
  pins = new Map<string, string>();
  items = new Map<string, ItemView>();
  loans = new Map<string, LoanView>();
  calls: string[] = [];
  /** what patronSummary reports as owed (fen) */
  finesFen = 0;
  /** active holds and open-fine balance as the loans service would count them (the harness wires in its holds/fees fakes); finesFen above wins when set */
  summaryCounts?: (ref: Ref) => { holds: number; finesFen: number };
  failWith?: string;
  transitTo?: string;
  /** merged into the next checkin results (hold trapped, sort bin, fine …), as the loans service decides them */
  checkinExtra?: Partial<CheckinResult>;
  /** thrown by checkout/renew instead of their own checks (e.g. PATRON_BLOCKED with details) */
  refuseWith?: FakeRemoteError;
  /** the options of the last write (idempotency key, no-block dates, trapHolds) */
  lastWrite?: WriteOptions | CheckinOptions;
  /** replies stored by idempotency key, as the loans service keeps them */
  readonly byKey = new Map<string, unknown>();

  addPatron(p: PatronView, pin = '1234'): this {
    this.patrons.set(key(p), p);
    this.pins.set(key(p), pin);
    return this;
  }

  addItem(i: ItemView): this {
    this.items.set(key(i), i);
    return this;
  }

  private guard(name: string): void {
    this.calls.push(name);
    if (this.failWith) throw new FakeRemoteError(this.failWith);
  }

  private patron(ref: Ref): PatronView {
    const p = this.patrons.get(key(ref));
    if (!p) throw new FakeRemoteError(ErrorCode.PatronUnknown);
    return p;
  }

  async getPatron(ref: Ref): Promise<PatronView> {
    this.guard('getPatron');
    return this.patron(ref);
  }

  async verifyPin(ref: Ref, pin: string): Promise<VerifyPinResult> {
    this.guard('verifyPin');
    const patron = this.patron(ref);
    return { valid: this.pins.get(key(ref)) === pin, patron };
  }

  async setPatronBlock(ref: Ref, block: PatronBlockKind, active: boolean): Promise<PatronView> {
    this.guard('setPatronBlock');
    const p = this.patron(ref);
    const blocks = active ? [...new Set([...p.blocks, block])] : p.blocks.filter((b) => b !== block);
    const next = { ...p, blocks, circulationBlocked: blocks.length > 0 || p.expired };
    this.patrons.set(key(ref), next);
    return next;
  }

  async patronSummary(ref: Ref): Promise<PatronSummary> {
    this.guard('patronSummary');
    const open = [...this.loans.values()].filter((l) => key(l.patron) === key(ref));
    const counted = this.summaryCounts?.(ref);
    return {
      patron: ref,
      openLoans: open.length,
      overdueLoans: open.filter((l) => l.overdue).length,
      holds: counted?.holds ?? 0,
      finesFen: this.finesFen || (counted?.finesFen ?? 0),
    };
  }

  async openLoans(ref: Ref): Promise<LoanView[]> {
    this.guard('openLoans');
    return [...this.loans.values()].filter((l) => key(l.patron) === key(ref));
  }

  async getItem(ref: Ref): Promise<ItemView> {
    this.guard('getItem');
    const i = this.items.get(key(ref));
    if (!i) throw new FakeRemoteError(ErrorCode.ItemUnknown);
    return i;
  }

  async itemLoan(ref: Ref): Promise<LoanView | null> {
    this.guard('itemLoan');
    return this.loans.get(key(ref)) ?? null;
  }

  async checkout(
    patronRef: Ref,
    itemRef: Ref,
    branch: string,
    pin?: string,
    opts: WriteOptions = {},
  ): Promise<CheckoutResult> {
    this.guard('checkout');
    this.lastWrite = opts;
    const stored = opts.idempotencyKey ? this.byKey.get(opts.idempotencyKey) : undefined;
    if (stored) return stored as CheckoutResult;
    if (this.refuseWith) throw this.refuseWith;
    const patron = this.patron(patronRef);
    if (pin !== undefined && this.pins.get(key(patronRef)) !== pin) throw new FakeRemoteError(ErrorCode.PinInvalid);
    if (patron.blocks.includes('card_lost')) throw new FakeRemoteError(ErrorCode.CardLost);
    if (patron.circulationBlocked) throw new FakeRemoteError(ErrorCode.PatronBlocked);
    const item = this.items.get(key(itemRef));
    if (!item) throw new FakeRemoteError(ErrorCode.ItemUnknown);
    if (!item.loanable) throw new FakeRemoteError(ErrorCode.ItemNotLoanable);
    if (this.loans.has(key(itemRef))) throw new FakeRemoteError(ErrorCode.ItemAlreadyOnLoan);
    const loan: LoanView = {
      id: `L${this.loans.size + 1}`,
      patron: patronRef,
      item: itemRef,
      title: item.title,
      itemType: item.itemType,
      checkoutBranch: branch,
      channel: 'sip2',
      checkedOutAt: opts.transactionAt ?? '2026-11-25T02:00:00.000Z',
      dueAt: opts.dueDate ? `${opts.dueDate}T15:59:59.000Z` : '2026-12-25T15:59:59.000Z',
      dueDate: opts.dueDate ?? '2026-12-25',
      renewals: 0,
      returnedAt: null,
      returnBranch: null,
      status: 'open',
      overdue: false,
    };
    this.loans.set(key(itemRef), loan);
    const result = { loan, rule: { id: 'r', loanDays: 30, maxItems: 10, maxRenewals: 1 } };
    if (opts.idempotencyKey) this.byKey.set(opts.idempotencyKey, result);
    return result;
  }

  async checkin(itemRef: Ref, branch: string, opts: CheckinOptions = {}): Promise<CheckinResult> {
    this.guard('checkin');
    this.lastWrite = opts;
    const item = this.items.get(key(itemRef));
    if (!item) throw new FakeRemoteError(ErrorCode.ItemUnknown);
    const loan = this.loans.get(key(itemRef)) ?? null;
    this.loans.delete(key(itemRef));
    const destination = this.transitTo ?? item.homeBranch;
    return {
      wasOnLoan: !!loan,
      loan,
      item: {
        agency: item.agency,
        barcode: item.barcode,
        title: item.title,
        homeBranch: item.homeBranch,
        itemType: item.itemType,
      },
      destination,
      transit: destination !== branch,
      alerts: [],
      ...this.checkinExtra,
    };
  }

  async renew(patronRef: Ref, itemRef: Ref, _branch?: string, opts: WriteOptions = {}): Promise<RenewResult> {
    this.guard('renew');
    this.lastWrite = opts;
    if (this.refuseWith) throw this.refuseWith;
    const loan = this.loans.get(key(itemRef));
    if (!loan || key(loan.patron) !== key(patronRef)) throw new FakeRemoteError(ErrorCode.LoanNotFound);
    if (loan.renewals >= 1) throw new FakeRemoteError(ErrorCode.RenewalLimitReached);
    const next = { ...loan, renewals: loan.renewals + 1, dueAt: '2027-01-24T15:59:59.000Z', dueDate: '2027-01-24' };
    this.loans.set(key(itemRef), next);
    return { loan: next };
  }

  async offlineDaysBack(): Promise<number | undefined> {
    return 7;
  }

  async agencyName(): Promise<string | undefined> {
    return '昆山市图书馆';
  }
}
