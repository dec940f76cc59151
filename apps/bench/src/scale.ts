/**
 * Dataset sizes. `full` is the seed network (Kunshan-sized): 3.15M items over ~1M records, 60 branches
 * (34 of them 24-hour libraries), 500k patrons, 1M closed and 30k open loans, and a replayed year of
 * 2.22M circulation transactions (checkouts + returns). `small` is ~1 %, `smoke` a few hundred rows.
 */
export type ScaleName = 'full' | 'small' | 'smoke';
export const SCALE_NAMES: readonly ScaleName[] = ['full', 'small', 'smoke'];

export interface ScaleSpec {
  name: ScaleName;
  records: number;
  items: number;
  branches: number;
  branches24h: number;
  patrons: number;
  closedLoans: number;
  openLoans: number;
  /** year replay: checkouts + returns (half each) */
  replayTransactions: number;
  /** most kiosks a run may simulate: their items and patrons are reserved at load time */
  kioskCapacity: number;
}

/** Items and patrons each simulated kiosk owns (reserved, never used by the open loans or the replay). */
export const ITEMS_PER_KIOSK = 12;
export const PATRONS_PER_KIOSK = 2;

export const SCALES: Record<ScaleName, ScaleSpec> = {
  full: {
    name: 'full',
    records: 1_000_000,
    items: 3_150_000,
    branches: 60,
    branches24h: 34,
    patrons: 500_000,
    closedLoans: 1_000_000,
    openLoans: 30_000,
    replayTransactions: 2_220_000,
    kioskCapacity: 1000,
  },
  small: {
    name: 'small',
    records: 10_000,
    items: 31_500,
    branches: 60,
    branches24h: 34,
    patrons: 5_000,
    closedLoans: 10_000,
    openLoans: 300,
    replayTransactions: 22_200,
    kioskCapacity: 400,
  },
  smoke: {
    name: 'smoke',
    records: 150,
    items: 480,
    branches: 60,
    branches24h: 34,
    patrons: 300,
    closedLoans: 300,
    openLoans: 20,
    replayTransactions: 300,
    kioskCapacity: 8,
  },
};

/** Fingerprint stored in the marker row: a dataset is reused only when every number matches. */
export function scaleFingerprint(s: ScaleSpec): string {
  return [
    s.records,
    s.items,
    s.branches,
    s.branches24h,
    s.patrons,
    s.closedLoans,
    s.openLoans,
    s.kioskCapacity,
    ITEMS_PER_KIOSK,
    PATRONS_PER_KIOSK,
    'v2',
  ].join('/');
}
