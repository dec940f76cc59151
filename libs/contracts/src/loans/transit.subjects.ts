/** Transits and return-anywhere routing (loans service). DTOs in transit.dto.ts; see docs/circulation.md. */
export const TransitSubjects = {
  /** ListTransitsDto → Page<TransitView> */
  list: 'loans.transits.list.v1',
  /** ReceiveTransitDto → CheckinResult (a checkin at the destination) */
  receive: 'loans.transits.receive.v1',
  /** ListFloatingRulesDto → FloatingRuleView[] */
  listFloatingRules: 'loans.transits.floating-rules.list.v1',
  /** UpsertFloatingRuleDto → FloatingRuleView */
  upsertFloatingRule: 'loans.transits.floating-rules.upsert.v1',
} as const;

export const TransitEventSubjects = {
  transitStarted: 'events.loans.transit-started.v1',
  transitReceived: 'events.loans.transit-received.v1',
  /** ItemStatusEventData: what the catalog mirrors (in_transit, on_hold_shelf, available at a location) */
  itemStatusChanged: 'events.loans.item-status-changed.v1',
} as const;
