import type { CirculationChannel } from '../loans/circulation-channel';
import type { EventContract } from '../contract';

/**
 * Every domain event published to JetStream has this envelope. `id` is the outbox row id and the
 * JetStream message id, so a relay that publishes twice after a crash is de-duplicated by the stream.
 */
export interface EventEnvelope<T = unknown, S extends string = string> {
  id: string;
  /** the event's subject */
  type: S;
  source: string;
  occurredAt: string;
  correlationId?: string;
  data: T;
}

export interface LoanEventData {
  loanId: string;
  patron: { agency: string; barcode: string };
  item: { agency: string; barcode: string };
  branch: string;
  channel: CirculationChannel;
  dueAt: string;
  returnedAt?: string;
  /** for statistics (absent in events written before they were added) */
  patronType?: string;
  itemType?: string;
  owningBranch?: string;
  /** renewals of the loan after this change (a renewal event's count is its sequence number) */
  renewals?: number;
}

export interface ItemEventData {
  itemId: string;
  agency: string;
  barcode: string;
  status: string;
  /** for statistics' holdings (absent in events written before they were added) */
  itemType?: string;
  homeBranch?: string;
  /**
   * for loans' item projection (absent in events written before it existed): the item row's version
   * (a newer state has a higher one), its record, title and loanability
   */
  version?: number;
  recordId?: string;
  title?: string;
  loanable?: boolean;
}

export interface PatronEventData {
  patronId: string;
  agency: string;
  barcode: string;
  blocks?: string[];
}

/**
 * The envelope of one of the events `C` (a union of event contracts): a union discriminated by
 * `type`, so `if (e.type === LoanCreated.subject)` narrows `e.data` to LoanCreated's data.
 */
export type EnvelopeOf<C> = C extends EventContract<infer S, infer D> ? EventEnvelope<D, S> : never;

/** Type guard: `e` is an envelope of event `contract`. */
export function isEvent<C extends EventContract>(contract: C, e: EventEnvelope): e is EnvelopeOf<C> {
  return e.type === contract.subject;
}
