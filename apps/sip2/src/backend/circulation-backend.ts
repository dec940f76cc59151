import type {
  CheckinResult,
  CheckoutResult,
  ItemView,
  LoanView,
  PatronBlockKind,
  PatronSummary,
  PatronView,
  RenewResult,
  VerifyPinResult,
} from '@app/contracts';

/** A write's idempotency key and, for offline (no-block) transactions, the terminal's own dates. */
export interface WriteOptions {
  idempotencyKey?: string;
  noBlock?: boolean;
  /** ISO instant the terminal did it (no-block) */
  transactionAt?: string;
  /** YYYY-MM-DD due day the terminal gave (no-block) */
  dueDate?: string;
  /** `sip2:<terminal>`: keys the wrong-PIN throttle (sent with a PIN) */
  pinOrigin?: string;
}

export interface CheckinOptions {
  idempotencyKey?: string;
  noBlock?: boolean;
  /** ISO instant the item was really returned (09 return date) */
  returnedAt?: string;
  /** terminal profile: false → a waiting hold does not trap the copy here */
  trapHolds?: boolean;
}

export interface Ref {
  agency: string;
  barcode: string;
}

/**
 * Everything the SIP2 handlers need from the rest of the suite. The production implementation speaks NATS
 * (NatsCirculationBackend); unit tests use fakes. Errors are thrown as RemoteError-like objects carrying a
 * stable `code` (ErrorCode), which the handlers map to SIP2 answers.
 */
export interface CirculationBackend {
  getPatron(ref: Ref): Promise<PatronView>;
  /** `origin` (`sip2:<terminal>`) keys the patrons service's wrong-PIN throttle */
  verifyPin(ref: Ref, pin: string, origin?: string): Promise<VerifyPinResult>;
  setPatronBlock(
    ref: Ref,
    block: PatronBlockKind,
    active: boolean,
    reason: string | undefined,
    actor: string,
  ): Promise<PatronView>;
  patronSummary(ref: Ref): Promise<PatronSummary>;
  openLoans(ref: Ref, limit: number): Promise<LoanView[]>;
  getItem(ref: Ref): Promise<ItemView>;
  itemLoan(ref: Ref): Promise<LoanView | null>;
  checkout(patron: Ref, item: Ref, branch: string, pin?: string, opts?: WriteOptions): Promise<CheckoutResult>;
  checkin(item: Ref, branch: string, opts?: CheckinOptions): Promise<CheckinResult>;
  renew(patron: Ref, item: Ref, branch: string, opts?: WriteOptions): Promise<RenewResult>;
  /** how many days back the agency accepts offline transactions (98); undefined when unknown */
  offlineDaysBack(isil: string): Promise<number | undefined>;
  /** library (agency) display name for 98 AM; undefined when unknown */
  agencyName(isil: string): Promise<string | undefined>;
}

export const CIRCULATION_BACKEND = Symbol('CIRCULATION_BACKEND');

/** The stable error code of a thrown remote/domain error, or undefined for anything else. */
export function errorCodeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' ? code : undefined;
}
