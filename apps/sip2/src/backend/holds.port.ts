/**
 * Holds (reservations) arrive with a later issue. Everything SIP2 says about holds goes through this one
 * port, so wiring the holds service later means replacing this implementation only:
 * 15 Hold, 63/64 AS/CD lists and counts, 18 CF queue length, 10 checkin alert/CV for a hold.
 */
export interface HoldsPort {
  readonly supported: boolean;
  /** barcodes of items the patron holds, available (AS) and not yet available (CD) */
  patronHolds(patron: { agency: string; barcode: string }): Promise<{ available: string[]; unavailable: string[] }>;
  /** number of holds queued on the item (CF) */
  queueLength(item: { agency: string; barcode: string }): Promise<number>;
  /** when a returned item must go to a hold shelf: the pickup branch */
  holdFor(item: { agency: string; barcode: string }): Promise<{ pickupBranch: string; patronBarcode: string } | null>;
}

export class NoHoldsYet implements HoldsPort {
  readonly supported = false;
  async patronHolds(): Promise<{ available: string[]; unavailable: string[] }> {
    return { available: [], unavailable: [] };
  }
  async queueLength(): Promise<number> {
    return 0;
  }
  async holdFor(): Promise<null> {
    return null;
  }
}

export const HOLDS_PORT = Symbol('HOLDS_PORT');
