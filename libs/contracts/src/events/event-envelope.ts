import type { CirculationChannel } from '../loans/loan.dto';

/**
 * Every domain event published to JetStream has this envelope. `id` is the outbox row id and the
 * JetStream message id, so a relay that publishes twice after a crash is de-duplicated by the stream.
 */
export interface EventEnvelope<T = unknown> {
  id: string;
  type: string;
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
}

export interface PatronEventData {
  patronId: string;
  agency: string;
  barcode: string;
  blocks?: string[];
}
