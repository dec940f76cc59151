import { createHmac } from 'node:crypto';
import {
  BranchKind,
  EventEnvelope,
  HoldEventData,
  HoldFulfilled,
  HoldPlaced,
  LoanClosed,
  LoanCreated,
  LoanEventData,
  LoanRenewed,
  PatronCreated,
  PatronChangedEventData,
  StatisticsAction,
  StatisticsChannel,
} from '@app/contracts';

/** A dimension nobody told us (an older event without the field): kept as '-' so rollup keys stay total. */
export const UNKNOWN = '-';

/** One immutable statistics row, before it gets its local date and hour (computed in SQL). */
export interface ActionRow {
  /** natural key: the same action from a replayed event or from the backfill has the same key */
  key: string;
  eventId: string | null;
  action: StatisticsAction;
  occurredAt: string;
  branch: string;
  channel: StatisticsChannel | typeof UNKNOWN;
  rawChannel: string | null;
  itemAgency: string;
  owningBranch: string;
  itemType: string;
  patronAgency: string;
  patronType: string;
  patronHash: string | null;
  loanId: string | null;
  source: 'event' | 'backfill';
}

/** Loan event data as published by loans (the statistics fields are optional in older events). */
export type StatsLoanEventData = LoanEventData;

/** Keyed hash of a patron (agency + card): stable for counting distinct readers, not reversible without the key. */
export class PatronPseudonymizer {
  constructor(private readonly key: string) {}

  hash(agency: string, barcode: string): string {
    return createHmac('sha256', this.key).update(`${agency}\u0000${barcode}`).digest('base64url');
  }
}

/**
 * Where a transaction happened, as reported: a SIP2 transaction at a 24-hour library or a locker is
 * counted as such (the terminal's branch kind), NCIP as a partner library, the HTTP API as the desk.
 */
export function statisticsChannel(
  raw: string | null | undefined,
  branchKind: BranchKind | undefined,
): StatisticsChannel | typeof UNKNOWN {
  switch (raw) {
    case 'sip2':
      return branchKind === 'self_service_24h' ? '24h' : branchKind === 'locker' ? 'locker' : 'sip2';
    case 'desk':
    case 'api':
      return 'desk';
    case 'o2o':
      return 'o2o';
    case 'ncip':
      return 'partner';
    default:
      return UNKNOWN;
  }
}

/** The events statistics counts, and the action each one is. */
export const COUNTED_SUBJECTS: Record<string, StatisticsAction> = {
  [LoanCreated.subject]: 'checkout',
  [LoanClosed.subject]: 'checkin',
  [LoanRenewed.subject]: 'renew',
  [HoldPlaced.subject]: 'hold_placed',
  [HoldFulfilled.subject]: 'hold_filled',
  [PatronCreated.subject]: 'card_issued',
};

/** The row an event stands for, or null when it is not a counted action. */
export function actionOf(
  event: EventEnvelope,
  branchKind: (code: string) => BranchKind | undefined,
  patrons: PatronPseudonymizer,
): ActionRow | null {
  const action = COUNTED_SUBJECTS[event.type];
  if (!action) return null;
  const base = { eventId: event.id, action, occurredAt: event.occurredAt, source: 'event' as const };
  switch (action) {
    case 'checkout':
    case 'checkin':
    case 'renew': {
      const d = event.data as StatsLoanEventData;
      const key = action === 'renew' ? `renew:${d.loanId}:${d.renewals ?? event.id}` : `${action}:${d.loanId}`;
      return {
        ...base,
        key,
        branch: d.branch,
        channel: statisticsChannel(d.channel, branchKind(d.branch)),
        rawChannel: d.channel ?? null,
        itemAgency: d.item.agency,
        owningBranch: d.owningBranch ?? UNKNOWN,
        itemType: d.itemType ?? UNKNOWN,
        patronAgency: d.patron.agency,
        patronType: d.patronType ?? UNKNOWN,
        patronHash: patrons.hash(d.patron.agency, d.patron.barcode),
        loanId: d.loanId,
      };
    }
    case 'hold_placed':
    case 'hold_filled': {
      const d = event.data as HoldEventData & { channel?: string };
      return {
        ...base,
        key: `${action}:${d.holdId}`,
        branch: d.pickupBranch,
        channel: statisticsChannel(d.channel, branchKind(d.pickupBranch)),
        rawChannel: d.channel ?? null,
        itemAgency: d.item?.agency ?? UNKNOWN,
        owningBranch: UNKNOWN,
        itemType: UNKNOWN,
        patronAgency: d.patron.agency,
        patronType: UNKNOWN,
        patronHash: patrons.hash(d.patron.agency, d.patron.barcode),
        loanId: d.loanId ?? null,
      };
    }
    case 'card_issued': {
      const d = event.data as PatronChangedEventData;
      return {
        ...base,
        key: `card_issued:${d.agency}:${d.barcode}`,
        branch: d.homeBranch ?? UNKNOWN,
        channel: 'desk',
        rawChannel: null,
        itemAgency: UNKNOWN,
        owningBranch: UNKNOWN,
        itemType: UNKNOWN,
        patronAgency: d.agency,
        patronType: d.patronType ?? UNKNOWN,
        patronHash: patrons.hash(d.agency, d.barcode),
        loanId: null,
      };
    }
    default:
      return null;
  }
}
