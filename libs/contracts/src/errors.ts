/**
 * Stable error codes that cross NATS and HTTP. Clients (gateway, SIP2 adapter, partners) switch on these,
 * so a code is never renamed; add new ones instead.
 */
export enum ErrorCode {
  ValidationFailed = 'VALIDATION_FAILED',
  NotFound = 'NOT_FOUND',
  Conflict = 'CONFLICT',
  Unauthorized = 'UNAUTHORIZED',
  Forbidden = 'FORBIDDEN',
  Timeout = 'TIMEOUT',
  ServiceUnavailable = 'SERVICE_UNAVAILABLE',
  Internal = 'INTERNAL',
  // circulation refusals
  PatronUnknown = 'PATRON_UNKNOWN',
  PatronBlocked = 'PATRON_BLOCKED',
  CardLost = 'CARD_LOST',
  CardExpired = 'CARD_EXPIRED',
  PinInvalid = 'PIN_INVALID',
  PinThrottled = 'PIN_THROTTLED',
  TooManyItems = 'TOO_MANY_ITEMS',
  ItemUnknown = 'ITEM_UNKNOWN',
  ItemNotLoanable = 'ITEM_NOT_LOANABLE',
  ItemAlreadyOnLoan = 'ITEM_ALREADY_ON_LOAN',
  ItemNotOnLoan = 'ITEM_NOT_ON_LOAN',
  LoanNotFound = 'LOAN_NOT_FOUND',
  RenewalLimitReached = 'RENEWAL_LIMIT_REACHED',
  RenewalRefusedHolds = 'RENEWAL_REFUSED_HOLDS',
  AgencyUnknown = 'AGENCY_UNKNOWN',
  BranchUnknown = 'BRANCH_UNKNOWN',
  // holds
  HoldNotFound = 'HOLD_NOT_FOUND',
  HoldAlreadyPlaced = 'HOLD_ALREADY_PLACED',
  HoldPatronHasItem = 'HOLD_PATRON_HAS_ITEM',
  HoldNotAllowed = 'HOLD_NOT_ALLOWED',
  HoldPickupInvalid = 'HOLD_PICKUP_INVALID',
  HoldNotCancellable = 'HOLD_NOT_CANCELLABLE',
  ItemHeldForAnotherPatron = 'ITEM_HELD_FOR_ANOTHER_PATRON',
  // fines
  FineNotFound = 'FINE_NOT_FOUND',
  PaymentExceedsBalance = 'PAYMENT_EXCEEDS_BALANCE',
  // O2O delivery
  OrderNotFound = 'ORDER_NOT_FOUND',
  OrderStepInvalid = 'ORDER_STEP_INVALID',
  OrderLimitExceeded = 'ORDER_LIMIT_EXCEEDED',
  OrderNoCopyAvailable = 'ORDER_NO_COPY_AVAILABLE',
  LockerUnknown = 'LOCKER_UNKNOWN',
  LockerOffline = 'LOCKER_OFFLINE',
  CompartmentNotFound = 'COMPARTMENT_NOT_FOUND',
  PickupCodeInvalid = 'PICKUP_CODE_INVALID',
  PickupCodeLocked = 'PICKUP_CODE_LOCKED',
  PickupCodeExpired = 'PICKUP_CODE_EXPIRED',
  RequestIdReused = 'REQUEST_ID_REUSED',
  // exactly-once writes and offline circulation (docs/circulation.md)
  IdempotencyKeyReused = 'IDEMPOTENCY_KEY_REUSED',
  DeadlinePassed = 'DEADLINE_PASSED',
  RequestAbandoned = 'REQUEST_ABANDONED',
  RenewalTooSoon = 'RENEWAL_TOO_SOON',
  OfflineDateInvalid = 'OFFLINE_DATE_INVALID',
}

/** The payload of every error that crosses NATS (as an RpcException) or HTTP (as the JSON body). */
export interface ErrorPayload {
  code: ErrorCode | string;
  message: string;
  details?: Record<string, unknown>;
}

export function isErrorPayload(value: unknown): value is ErrorPayload {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ErrorPayload).code === 'string' &&
    typeof (value as ErrorPayload).message === 'string'
  );
}

/** HTTP status for each code, used by the gateway's exception filter. */
export const ERROR_HTTP_STATUS: Record<string, number> = {
  [ErrorCode.ValidationFailed]: 400,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.Unauthorized]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.Timeout]: 504,
  [ErrorCode.ServiceUnavailable]: 503,
  [ErrorCode.Internal]: 500,
  [ErrorCode.PatronUnknown]: 404,
  [ErrorCode.ItemUnknown]: 404,
  [ErrorCode.LoanNotFound]: 404,
  [ErrorCode.AgencyUnknown]: 404,
  [ErrorCode.BranchUnknown]: 404,
  [ErrorCode.HoldNotFound]: 404,
  [ErrorCode.HoldAlreadyPlaced]: 409,
  [ErrorCode.HoldPatronHasItem]: 409,
  [ErrorCode.HoldNotAllowed]: 409,
  [ErrorCode.HoldPickupInvalid]: 409,
  [ErrorCode.HoldNotCancellable]: 409,
  [ErrorCode.ItemHeldForAnotherPatron]: 409,
  [ErrorCode.PatronBlocked]: 409,
  [ErrorCode.CardLost]: 409,
  [ErrorCode.CardExpired]: 409,
  [ErrorCode.PinInvalid]: 403,
  [ErrorCode.PinThrottled]: 429,
  [ErrorCode.TooManyItems]: 409,
  [ErrorCode.ItemNotLoanable]: 409,
  [ErrorCode.ItemAlreadyOnLoan]: 409,
  [ErrorCode.ItemNotOnLoan]: 409,
  [ErrorCode.RenewalLimitReached]: 409,
  [ErrorCode.RenewalRefusedHolds]: 409,
  [ErrorCode.FineNotFound]: 404,
  [ErrorCode.PaymentExceedsBalance]: 409,
  [ErrorCode.OrderNotFound]: 404,
  [ErrorCode.OrderStepInvalid]: 409,
  [ErrorCode.OrderLimitExceeded]: 409,
  [ErrorCode.OrderNoCopyAvailable]: 409,
  [ErrorCode.LockerUnknown]: 404,
  [ErrorCode.LockerOffline]: 409,
  [ErrorCode.CompartmentNotFound]: 404,
  [ErrorCode.PickupCodeInvalid]: 403,
  [ErrorCode.PickupCodeLocked]: 423,
  [ErrorCode.PickupCodeExpired]: 410,
  [ErrorCode.RequestIdReused]: 409,
  [ErrorCode.IdempotencyKeyReused]: 422,
  [ErrorCode.DeadlinePassed]: 504,
  [ErrorCode.RequestAbandoned]: 409,
  [ErrorCode.RenewalTooSoon]: 409,
  [ErrorCode.OfflineDateInvalid]: 422,
};
