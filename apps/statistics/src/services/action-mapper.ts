import { createHmac } from 'node:crypto';
import {
  BranchKind,
  EventEnvelope,
  FinePaid,
  FineSettledEventData,
  FineWaived,
  HoldEventData,
  HoldFulfilled,
  HoldPlaced,
  LoanClosed,
  LoanCreated,
  LoanEventData,
  LoanRenewed,
  OrderDelivered,
  OrderEventData,
  OrderPlaced,
  ParcelCollected,
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
  /** integer fen: a fine paid or waived (null otherwise) */
  amountFen?: number | null;
  /** books the action moved: the copies an O2O collection lent (1 when absent) */
  itemCount?: number;
  /** fine kind (overdue, lost_item); partner loan kind (see partnerLoanOf) */
  detail?: string | null;
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
    case 'delivery':
      return 'o2o';
    case 'locker':
      return 'locker';
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
  [FinePaid.subject]: 'fine_paid',
  [FineWaived.subject]: 'fine_waived',
  [OrderPlaced.subject]: 'o2o_order',
  [ParcelCollected.subject]: 'o2o_collected',
  [OrderDelivered.subject]: 'o2o_collected',
};

/** What a partner loan was (the `detail` of a partner_loan row). */
export type PartnerLoanKind = 'partner_patron' | 'ill_borrowed' | 'lent_to_partner' | 'at_partner';

/** The patron a partner library borrows our copies through (federation creates it): `ILL-<partner ISIL>`. */
const ILL_PATRON_PREFIX = 'ILL-';

/**
 * Whether a checkout is a partner loan, read from what every loan event carries (the item's owner, the
 * patron's home agency and card, the channel) the way federation itself tells them apart: an ILL copy
 * owned by a partner lent to our reader; our copy lent to a partner library (patron `ILL-<ISIL>`); a
 * partner's reader borrowing here; our reader borrowing at a partner's branch over NCIP. `partner` is
 * the other library's ISIL when the event names it.
 */
export function partnerLoanOf(
  raw: string | null | undefined,
  patron: { agency: string; barcode: string },
  item: { agency: string },
  ownAgency: string,
): { kind: PartnerLoanKind; partner: string } | null {
  if (patron.agency === ownAgency && patron.barcode.startsWith(ILL_PATRON_PREFIX))
    return { kind: 'lent_to_partner', partner: patron.barcode.slice(ILL_PATRON_PREFIX.length) || UNKNOWN };
  if (item.agency !== ownAgency) return { kind: 'ill_borrowed', partner: item.agency };
  if (patron.agency !== ownAgency) return { kind: 'partner_patron', partner: patron.agency };
  if (raw === 'ncip') return { kind: 'at_partner', partner: UNKNOWN };
  return null;
}

/**
 * The partner_loan row beside a checkout row: channel 'partner', the borrower's home agency (the partner
 * library for a copy lent to it). The checkout row keeps where the loan physically happened (a partner's
 * reader at a 24-hour library is still a 24-hour loan), so loans are never counted twice.
 */
export function partnerRowOf(checkout: ActionRow, ownAgency: string, patronBarcode: string): ActionRow | null {
  const p = partnerLoanOf(
    checkout.rawChannel,
    { agency: checkout.patronAgency, barcode: patronBarcode },
    { agency: checkout.itemAgency },
    ownAgency,
  );
  if (!p) return null;
  return {
    ...checkout,
    key: `partner_loan:${checkout.loanId}`,
    action: 'partner_loan',
    channel: 'partner',
    patronAgency: p.kind === 'lent_to_partner' ? p.partner : checkout.patronAgency,
    detail: p.kind,
  };
}

/** The rows an event stands for: none when it is not a counted action; a checkout of a partner loan gives two. */
export function actionsOf(
  event: EventEnvelope,
  branchKind: (code: string) => BranchKind | undefined,
  patrons: PatronPseudonymizer,
  ownAgency: string,
): ActionRow[] {
  const row = actionOf(event, branchKind, patrons);
  if (!row) return [];
  if (row.action !== 'checkout') return [row];
  const partner = partnerRowOf(row, ownAgency, (event.data as StatsLoanEventData).patron.barcode);
  return partner ? [row, partner] : [row];
}

/** The (first) row an event stands for, or null when it is not a counted action. */
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
    case 'fine_paid':
    case 'fine_waived': {
      const d = event.data as FineSettledEventData;
      const branch = d.branch ?? UNKNOWN;
      return {
        ...base,
        key: `${action}:${d.fineTransactionId}`,
        branch,
        channel: d.channel ? statisticsChannel(d.channel, branchKind(branch)) : UNKNOWN,
        rawChannel: d.channel ?? null,
        itemAgency: d.item?.agency ?? UNKNOWN,
        owningBranch: UNKNOWN,
        itemType: UNKNOWN,
        patronAgency: d.patron.agency,
        patronType: UNKNOWN,
        patronHash: patrons.hash(d.patron.agency, d.patron.barcode),
        loanId: d.loanId,
        amountFen: d.amountFen,
        itemCount: 0,
        detail: d.fineKind,
      };
    }
    case 'o2o_order':
    case 'o2o_collected': {
      const d = event.data as OrderEventData;
      const atLocker = d.mode === 'locker' && d.locker;
      const branch = (atLocker ? d.locker : d.stockLocation) ?? UNKNOWN;
      return {
        ...base,
        // one collection per order, whichever way it ended (at the locker, at home)
        key: `${action}:${d.orderId}`,
        branch,
        // an order is placed on the O2O platform; a parcel is collected at a locker or delivered home
        channel: action === 'o2o_collected' && atLocker ? 'locker' : 'o2o',
        rawChannel: d.mode,
        itemAgency: UNKNOWN,
        owningBranch: UNKNOWN,
        itemType: UNKNOWN,
        patronAgency: d.patron.agency,
        patronType: UNKNOWN,
        patronHash: patrons.hash(d.patron.agency, d.patron.barcode),
        loanId: null,
        itemCount: action === 'o2o_order' ? d.titles.length : (d.copiesLent ?? d.titles.length),
      };
    }
    default:
      return null;
  }
}
