/**
 * Fees and fines arrive with a later issue. 37 Fee Paid, 64 AV/BV/CC and 24 BV go through this port only.
 * Until then no fee exists, so a payment is truthfully not accepted (there is nothing to pay).
 */
export interface FeesPort {
  readonly supported: boolean;
  /** outstanding fee items of the patron (AV) */
  patronFees(patron: { agency: string; barcode: string }): Promise<{ id: string; amountFen: number; description: string }[]>;
  pay(patron: { agency: string; barcode: string }, amountFen: number, feeId?: string, transactionId?: string): Promise<{ accepted: boolean; reason?: 'not-supported' | 'nothing-owed' }>;
}

export class NoFeesYet implements FeesPort {
  readonly supported = false;
  async patronFees(): Promise<[]> {
    return [];
  }
  async pay(): Promise<{ accepted: false; reason: 'not-supported' }> {
    return { accepted: false, reason: 'not-supported' };
  }
}

export const FEES_PORT = Symbol('FEES_PORT');
