/** Holds, hold shelf and pick lists (loans service). DTOs in holds.dto.ts; documented in docs/circulation.md. */
export const HoldSubjects = {
  /** PlaceHoldDto → HoldView */
  place: 'loans.holds.place.v1',
  /** CancelHoldDto → HoldView */
  cancel: 'loans.holds.cancel.v1',
  /** ListHoldsDto (by patron, title or item) → Page<HoldView> */
  list: 'loans.holds.list.v1',
  /** BranchHoldsDto → HoldShelf */
  shelf: 'loans.holds.shelf.v1',
  /** BranchHoldsDto → PickList */
  pickList: 'loans.holds.pick-list.v1',
  /** RunHoldExpiryDto → HoldExpiryReport (the job also runs periodically) */
  expire: 'loans.holds.expire.v1',
} as const;

/** Events (JetStream, through the loans outbox). hold-ready is what a patron notifier listens to. */
export const HoldEventSubjects = {
  holdPlaced: 'events.loans.hold-placed.v1',
  /** a copy was set aside and travels to the pickup branch */
  holdTrapped: 'events.loans.hold-trapped.v1',
  /** on the hold shelf at the pickup branch until pickupDeadline: notify the patron */
  holdReady: 'events.loans.hold-ready.v1',
  holdFulfilled: 'events.loans.hold-fulfilled.v1',
  holdCancelled: 'events.loans.hold-cancelled.v1',
  holdExpired: 'events.loans.hold-expired.v1',
} as const;
