import { as, broadcast, event, NoPayload, rpc } from '../contract';
import type { Page } from '../common/page.dto';
import { ItemRefDto } from '../catalog/catalog.dto';
import type { LoanEventData } from '../events/event-envelope';
import { CheckinDto, CheckoutDto, PatronLoansDto, PatronSummaryDto, RecallLoanDto, RenewDto } from '../loans/loan.dto';
import type {
  CheckinResult,
  CheckoutResult,
  LoanView,
  PatronSummary,
  RecallResult,
  RenewResult,
} from '../loans/loan.dto';
import { ListLoanRulesDto, LoanDryRunDto, LoanRuleIdDto, UpsertLoanRuleDto } from '../loans/rules.dto';
import type { DeleteLoanRuleResult, LoanDryRunResult, LoanRuleView } from '../loans/rules.dto';
import {
  CalendarBranchDto,
  ClosureIdDto,
  CreateClosureDto,
  ListClosuresDto,
  UpsertCalendarDto,
} from '../loans/calendar.dto';
import type { CacheInvalidatedData, CalendarView, ClosureReport, ClosureView } from '../loans/calendar.dto';
import { ClaimReturnedDto, ListFinesDto, MarkLostDto, PayFinesDto, WaiveFineDto } from '../loans/fines.dto';
import type {
  ClaimReturnedResult,
  FineSettledEventData,
  FinesPage,
  MarkLostResult,
  PayFinesResult,
  WaiveFineResult,
} from '../loans/fines.dto';
import {
  IdempotencyOutcomeDto,
  ListCirculationExceptionsDto,
  OfflinePolicyDto,
  OfflineUploadDto,
  ResolveCirculationExceptionDto,
} from '../loans/field.dto';
import type {
  CirculationExceptionView,
  IdempotencyOutcome,
  OfflinePolicyView,
  OfflineUploadResult,
} from '../loans/field.dto';
import { BranchHoldsDto, CancelHoldDto, ListHoldsDto, PlaceHoldDto, RunHoldExpiryDto } from '../loans/holds.dto';
import type { HoldEventData, HoldExpiryReport, HoldShelf, HoldView, PickList } from '../loans/holds.dto';
import { LoanHistoryQueryDto } from '../statistics/statistics.dto';
import type { LoanHistoryPage } from '../statistics/statistics.dto';
import { ListFloatingRulesDto, ListTransitsDto, ReceiveTransitDto, UpsertFloatingRuleDto } from '../loans/transit.dto';
import type { FloatingRuleView, ItemStatusEventData, TransitEventData, TransitView } from '../loans/transit.dto';

/* loans service. Circulation and loan queries. */
export const LoansCheckout = rpc('loans.checkout.v1', CheckoutDto, as<CheckoutResult>());
export const LoansCheckin = rpc('loans.checkin.v1', CheckinDto, as<CheckinResult>());
export const LoansRenew = rpc('loans.renew.v1', RenewDto, as<RenewResult>());
/** the owner wants the item back: the loan is due sooner (never later than it was); events.loans.loan-recalled.v1 */
export const LoansRecall = rpc('loans.recall.v1', RecallLoanDto, as<RecallResult>());
export const LoansPatronLoans = rpc('loans.patron-loans.v1', PatronLoansDto, as<Page<LoanView>>());
/** the open loan of an item, or null */
export const LoansItemLoan = rpc('loans.item-loan.v1', ItemRefDto, as<LoanView | null>());
export const LoansPatronSummary = rpc('loans.patron-summary.v1', PatronSummaryDto, as<PatronSummary>());

export const LoanCreated = event('events.loans.loan-created.v1', as<LoanEventData>());
export const LoanRenewed = event('events.loans.loan-renewed.v1', as<LoanEventData>());
export const LoanClosed = event('events.loans.loan-closed.v1', as<LoanEventData>());
/** a recall shortened the loan (dueAt: the new due date): the reader is to be told to bring it back */
export const LoanRecalled = event('events.loans.loan-recalled.v1', as<LoanEventData>());

/* The circulation policy matrix (docs/circulation.md). */
export const LoansRulesList = rpc('loans.rules.list.v1', ListLoanRulesDto, as<LoanRuleView[]>());
export const LoansRulesUpsert = rpc('loans.rules.upsert.v1', UpsertLoanRuleDto, as<LoanRuleView>());
export const LoansRulesDelete = rpc('loans.rules.delete.v1', LoanRuleIdDto, as<DeleteLoanRuleResult>());
/** "what would happen if patron X borrowed item Y at branch Z now" */
export const LoansRulesDryRun = rpc('loans.rules.dry-run.v1', LoanDryRunDto, as<LoanDryRunResult>());

/* Opening calendars, holidays and closures. */
export const LoansCalendarsList = rpc('loans.calendars.list.v1', NoPayload, as<CalendarView[]>());
export const LoansCalendarsGet = rpc('loans.calendars.get.v1', CalendarBranchDto, as<CalendarView>());
export const LoansCalendarsUpsert = rpc('loans.calendars.upsert.v1', UpsertCalendarDto, as<CalendarView>());
/** creating a closure moves open loans due inside it, in one transaction */
export const LoansClosuresCreate = rpc('loans.closures.create.v1', CreateClosureDto, as<ClosureReport>());
export const LoansClosuresList = rpc('loans.closures.list.v1', ListClosuresDto, as<ClosureView[]>());
export const LoansClosuresDelete = rpc('loans.closures.delete.v1', ClosureIdDto, as<ClosureView>());
/** every loans replica drops its cached rules or calendars when one replica changed them */
export const LoansCacheInvalidated = broadcast('loans.cache-invalidated.v1', as<CacheInvalidatedData>());

/* Fines, payments, waivers, lost and claimed-returned loans. */
export const LoansFinesList = rpc('loans.fines.list.v1', ListFinesDto, as<FinesPage>());
/** idempotent per transaction id */
export const LoansFinesPay = rpc('loans.fines.pay.v1', PayFinesDto, as<PayFinesResult>());
export const LoansFinesWaive = rpc('loans.fines.waive.v1', WaiveFineDto, as<WaiveFineResult>());
export const LoansMarkLost = rpc('loans.mark-lost.v1', MarkLostDto, as<MarkLostResult>());
export const LoansClaimReturned = rpc('loans.claim-returned.v1', ClaimReturnedDto, as<ClaimReturnedResult>());
/** money moved on a fine, in the payment's or waiver's transaction (statistics counts them) */
export const FinePaid = event('events.loans.fine-paid.v1', as<FineSettledEventData>());
export const FineWaived = event('events.loans.fine-waived.v1', as<FineSettledEventData>());

/** the item states the catalog mirrors: lost, claimed returned, found again */
export const LoanLost = event('events.loans.loan-lost.v1', as<LoanEventData>());
export const LoanClaimedReturned = event('events.loans.loan-claimed-returned.v1', as<LoanEventData>());
export const LostItemFound = event('events.loans.lost-item-found.v1', as<LoanEventData>());

/* Holds, hold shelf and pick lists (docs/circulation.md). */
export const LoansHoldsPlace = rpc('loans.holds.place.v1', PlaceHoldDto, as<HoldView>());
export const LoansHoldsCancel = rpc('loans.holds.cancel.v1', CancelHoldDto, as<HoldView>());
/** holds of a patron, or the queue of a title or item */
export const LoansHoldsList = rpc('loans.holds.list.v1', ListHoldsDto, as<Page<HoldView>>());
export const LoansHoldsShelf = rpc('loans.holds.shelf.v1', BranchHoldsDto, as<HoldShelf>());
export const LoansHoldsPickList = rpc('loans.holds.pick-list.v1', BranchHoldsDto, as<PickList>());
/** run the hold expiry job now (it also runs periodically) */
export const LoansHoldsExpire = rpc('loans.holds.expire.v1', RunHoldExpiryDto, as<HoldExpiryReport>());

export const HoldPlaced = event('events.loans.hold-placed.v1', as<HoldEventData>());
/** a copy was set aside and travels to the pickup branch */
export const HoldTrapped = event('events.loans.hold-trapped.v1', as<HoldEventData>());
/** on the hold shelf at the pickup branch until pickupDeadline: notify the patron */
export const HoldReady = event('events.loans.hold-ready.v1', as<HoldEventData>());
export const HoldFulfilled = event('events.loans.hold-fulfilled.v1', as<HoldEventData>());
export const HoldCancelled = event('events.loans.hold-cancelled.v1', as<HoldEventData>());
export const HoldExpired = event('events.loans.hold-expired.v1', as<HoldEventData>());

/* Transits and return-anywhere routing (docs/circulation.md). */
export const LoansTransitsList = rpc('loans.transits.list.v1', ListTransitsDto, as<Page<TransitView>>());
/** a checkin at the destination */
export const LoansTransitsReceive = rpc('loans.transits.receive.v1', ReceiveTransitDto, as<CheckinResult>());
export const LoansFloatingRulesList = rpc(
  'loans.transits.floating-rules.list.v1',
  ListFloatingRulesDto,
  as<FloatingRuleView[]>(),
);
export const LoansFloatingRulesUpsert = rpc(
  'loans.transits.floating-rules.upsert.v1',
  UpsertFloatingRuleDto,
  as<FloatingRuleView>(),
);

export const TransitStarted = event('events.loans.transit-started.v1', as<TransitEventData>());
export const TransitReceived = event('events.loans.transit-received.v1', as<TransitEventData>());
/** what the catalog mirrors: in_transit, on_hold_shelf, available at a location */
export const ItemStatusChanged = event('events.loans.item-status-changed.v1', as<ItemStatusEventData>());

/** the loans history, oldest id first, by keyset (the statistics backfill reads it; never the tables) */
export const LoansHistory = rpc('loans.history.v1', LoanHistoryQueryDto, as<LoanHistoryPage>());

/* Exactly-once writes and offline circulation (docs/circulation.md, "Exactly once", "Offline transactions"). */
/** what became of the write with this idempotency key; `abandon` stores a tombstone when nothing was committed */
export const LoansIdempotencyOutcome = rpc(
  'loans.idempotency.outcome.v1',
  IdempotencyOutcomeDto,
  as<IdempotencyOutcome>(),
);
/** staff offline upload: replayed in time order, one result per line */
export const LoansOfflineUpload = rpc('loans.offline.upload.v1', OfflineUploadDto, as<OfflineUploadResult>());
/** the staff exceptions list of offline/no-block transactions applied with a conflict */
export const LoansOfflineExceptions = rpc(
  'loans.offline.exceptions.v1',
  ListCirculationExceptionsDto,
  as<Page<CirculationExceptionView>>(),
);
/** staff mark an exception resolved, with a note; answers it as it now is */
export const LoansOfflineExceptionResolve = rpc(
  'loans.offline.exceptions.resolve.v1',
  ResolveCirculationExceptionDto,
  as<CirculationExceptionView>(),
);
/** how many days back an agency accepts offline transactions (SIP2 98) */
export const LoansOfflinePolicy = rpc('loans.offline.policy.v1', OfflinePolicyDto, as<OfflinePolicyView>());
