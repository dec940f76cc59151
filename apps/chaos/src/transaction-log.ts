/** One circulation transaction as a kiosk or desk saw it: what it sent and what (if anything) came back. */
export interface TxRecord {
  /** which driver sent it (`kiosk-3`, `desk-1`) */
  driver: string;
  channel: 'sip2' | 'http';
  kind: 'checkout' | 'checkin';
  item: string;
  patron: string;
  /** ms since the epoch, just before sending / when the answer or the error came */
  sentAt: number;
  doneAt: number;
  /**
   * acked: the kiosk was told it happened (SIP2 ok=1, HTTP 2xx); refused: told it did not (ok=0, 4xx/5xx);
   * unanswered: no answer (timeout, connection dropped), so the kiosk cannot know
   */
  outcome: 'acked' | 'refused' | 'unanswered';
  /** checkin only: the answer said a loan was closed (HTTP wasOnLoan; SIP2: the kiosk believed the item out) */
  closedLoan?: boolean;
  /** the phase (fault) during which it was sent */
  phase: string;
  detail?: string;
}

/** The kiosks' own log: every transaction, in the order sent. */
export class TransactionLog {
  readonly records: TxRecord[] = [];

  add(r: TxRecord): void {
    this.records.push(r);
  }

  forPhase(phase: string): TxRecord[] {
    return this.records.filter((r) => r.phase === phase);
  }
}
