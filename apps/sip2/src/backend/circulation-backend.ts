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
  setPatronBlock(ref: Ref, block: PatronBlockKind, active: boolean, reason: string | undefined, actor: string): Promise<PatronView>;
  patronSummary(ref: Ref): Promise<PatronSummary>;
  openLoans(ref: Ref, limit: number): Promise<LoanView[]>;
  getItem(ref: Ref): Promise<ItemView>;
  itemLoan(ref: Ref): Promise<LoanView | null>;
  checkout(patron: Ref, item: Ref, branch: string, pin?: string, pinOrigin?: string): Promise<CheckoutResult>;
  checkin(item: Ref, branch: string): Promise<CheckinResult>;
  renew(patron: Ref, item: Ref, branch: string): Promise<RenewResult>;
  /** library (agency) display name for 98 AM; undefined when unknown */
  agencyName(isil: string): Promise<string | undefined>;
}

export const CIRCULATION_BACKEND = Symbol('CIRCULATION_BACKEND');

/** The stable error code of a thrown remote/domain error, or undefined for anything else. */
export function errorCodeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' ? code : undefined;
}
