/*
 * The subject tables from before the typed registry, kept (derived from it, so each string still
 * exists once) so code written against them keeps compiling while it moves to the contracts.
 * New code uses the contracts in ./registry: `rpc.call(LoansCheckout, dto)`, `@Handles(...)`.
 */
import * as C from './registry';

/** @deprecated use the Patrons* contracts (`PatronsGet`, …) */
export const PatronSubjects = {
  create: C.PatronsCreate.subject,
  update: C.PatronsUpdate.subject,
  get: C.PatronsGet.subject,
  search: C.PatronsSearch.subject,
  verifyPin: C.PatronsVerifyPin.subject,
  setBlock: C.PatronsSetBlock.subject,
} as const;

/** @deprecated use the Catalog* contracts (`CatalogGetItem`, …) */
export const CatalogSubjects = {
  createRecord: C.CatalogCreateRecord.subject,
  updateRecord: C.CatalogUpdateRecord.subject,
  getRecord: C.CatalogGetRecord.subject,
  searchRecords: C.CatalogSearchRecords.subject,
  createItem: C.CatalogCreateItem.subject,
  updateItem: C.CatalogUpdateItem.subject,
  getItem: C.CatalogGetItem.subject,
  searchItems: C.CatalogSearchItems.subject,
  listAgencies: C.CatalogListAgencies.subject,
  upsertAgency: C.CatalogUpsertAgency.subject,
  upsertBranch: C.CatalogUpsertBranch.subject,
} as const;

/** @deprecated use the Loans* contracts (`LoansCheckout`, …) */
export const LoanSubjects = {
  checkout: C.LoansCheckout.subject,
  checkin: C.LoansCheckin.subject,
  renew: C.LoansRenew.subject,
  patronLoans: C.LoansPatronLoans.subject,
  itemLoan: C.LoansItemLoan.subject,
  patronSummary: C.LoansPatronSummary.subject,
} as const;

/** @deprecated use the event contracts (`LoanCreated`, `PatronBlocked`, …) */
export const EventSubjects = {
  patronCreated: C.PatronCreated.subject,
  patronUpdated: C.PatronUpdated.subject,
  patronBlocked: C.PatronBlocked.subject,
  itemCreated: C.ItemCreated.subject,
  itemUpdated: C.ItemUpdated.subject,
  loanCreated: C.LoanCreated.subject,
  loanRenewed: C.LoanRenewed.subject,
  loanClosed: C.LoanClosed.subject,
} as const;
/** @deprecated */
export type EventSubject = (typeof EventSubjects)[keyof typeof EventSubjects];

/** @deprecated use the LoansCalendars* / LoansClosures* contracts and LoansCacheInvalidated */
export const CalendarSubjects = {
  list: C.LoansCalendarsList.subject,
  get: C.LoansCalendarsGet.subject,
  upsert: C.LoansCalendarsUpsert.subject,
  createClosure: C.LoansClosuresCreate.subject,
  listClosures: C.LoansClosuresList.subject,
  deleteClosure: C.LoansClosuresDelete.subject,
  cacheInvalidated: C.LoansCacheInvalidated.subject,
} as const;

/** @deprecated use the LoansFines* / LoansMarkLost / LoansClaimReturned contracts */
export const FineSubjects = {
  list: C.LoansFinesList.subject,
  pay: C.LoansFinesPay.subject,
  waive: C.LoansFinesWaive.subject,
  markLost: C.LoansMarkLost.subject,
  claimReturned: C.LoansClaimReturned.subject,
} as const;

/** @deprecated use LoanLost, LoanClaimedReturned, LostItemFound */
export const LostItemEventSubjects = {
  loanLost: C.LoanLost.subject,
  loanClaimedReturned: C.LoanClaimedReturned.subject,
  lostItemFound: C.LostItemFound.subject,
} as const;

/** @deprecated use the LoansHolds* contracts */
export const HoldSubjects = {
  place: C.LoansHoldsPlace.subject,
  cancel: C.LoansHoldsCancel.subject,
  list: C.LoansHoldsList.subject,
  shelf: C.LoansHoldsShelf.subject,
  pickList: C.LoansHoldsPickList.subject,
  expire: C.LoansHoldsExpire.subject,
} as const;

/** @deprecated use the Hold* event contracts */
export const HoldEventSubjects = {
  holdPlaced: C.HoldPlaced.subject,
  holdTrapped: C.HoldTrapped.subject,
  holdReady: C.HoldReady.subject,
  holdFulfilled: C.HoldFulfilled.subject,
  holdCancelled: C.HoldCancelled.subject,
  holdExpired: C.HoldExpired.subject,
} as const;

/** @deprecated use the LoansRules* contracts */
export const LoanRuleSubjects = {
  list: C.LoansRulesList.subject,
  upsert: C.LoansRulesUpsert.subject,
  delete: C.LoansRulesDelete.subject,
  dryRun: C.LoansRulesDryRun.subject,
} as const;

/** @deprecated use the LoansTransits* / LoansFloatingRules* contracts */
export const TransitSubjects = {
  list: C.LoansTransitsList.subject,
  receive: C.LoansTransitsReceive.subject,
  listFloatingRules: C.LoansFloatingRulesList.subject,
  upsertFloatingRule: C.LoansFloatingRulesUpsert.subject,
} as const;

/** @deprecated use TransitStarted, TransitReceived, ItemStatusChanged */
export const TransitEventSubjects = {
  transitStarted: C.TransitStarted.subject,
  transitReceived: C.TransitReceived.subject,
  itemStatusChanged: C.ItemStatusChanged.subject,
} as const;

/** @deprecated use the Sip2* contracts */
export const Sip2Subjects = {
  upsertTerminal: C.Sip2UpsertTerminal.subject,
  getTerminal: C.Sip2GetTerminal.subject,
  listTerminals: C.Sip2ListTerminals.subject,
  setTerminalEnabled: C.Sip2SetTerminalEnabled.subject,
  metrics: C.Sip2Metrics.subject,
} as const;
