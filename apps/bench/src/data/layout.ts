import { ITEMS_PER_KIOSK, PATRONS_PER_KIOSK, ScaleSpec } from '../scale';

/**
 * Who is who in the bench dataset, as pure functions of a row index, so the generator, the kiosks and
 * the replay agree without reading anything back. Bench rows live beside the demo data and never
 * collide with it: items `K` + 9 digits and patrons `R` + 8 digits of agency CN-320583-1-KSL (the demo
 * uses B0000001.. and P0000001..), branches KSL-B001.., record/item/patron/loan ids with the prefixes
 * below (valid UUIDs the services never generate).
 */
export const BENCH_AGENCY = 'CN-320583-1-KSL';
export const BENCH_AGENCY_NAME = '昆山市图书馆';
export const BENCH_PIN = '2468';

export const itemBarcode = (i: number): string => `K${String(i + 1).padStart(9, '0')}`;
export const patronBarcode = (i: number): string => `R${String(i + 1).padStart(8, '0')}`;
export const branchCode = (b: number): string => `KSL-B${String(b + 1).padStart(3, '0')}`;
export const terminalLogin = (k: number): string => `bench-k${String(k + 1).padStart(4, '0')}`;
export const TERMINAL_PASSWORD = 'bench-kiosk-secret';

const ID_PREFIX = { record: 'b0000001', item: 'b0000002', patron: 'b0000003', loan: 'b0000004' } as const;
export const benchUuid = (kind: keyof typeof ID_PREFIX, i: number): string =>
  `${ID_PREFIX[kind]}-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
export const RECORD_ID_LIKE = `${ID_PREFIX.record}-%`;
export const ITEM_BARCODE_REGEX = '^K[0-9]{9}$';
export const PATRON_BARCODE_REGEX = '^R[0-9]{8}$';
export const BRANCH_CODE_LIKE = 'KSL-B%';

/** Branch 0 is the central library, then ordinary branches, the last `branches24h` are 24-hour libraries. */
export function branchKind(s: ScaleSpec, b: number): 'central' | 'branch' | 'self_service_24h' {
  if (b === 0) return 'central';
  return b >= s.branches - s.branches24h ? 'self_service_24h' : 'branch';
}

/** Where an item lives: kiosk items at their kiosk's branch (a self-check lends what is on its shelves). */
export function itemHomeBranch(l: Layout, i: number): number {
  if (i >= l.generalItems) return kioskOfItem(l, i) % l.spec.branches;
  return i % l.spec.branches;
}

export const kioskOfItem = (l: Layout, i: number): number => Math.floor((i - l.generalItems) / ITEMS_PER_KIOSK);

/** The branch where kiosk k stands. */
export const kioskBranch = (l: Layout, k: number): number => k % l.spec.branches;

export type BenchItemType = 'book' | 'children_book' | 'periodical' | 'audiovisual' | 'reference';

export interface ItemProfile {
  type: BenchItemType;
  status: 'available' | 'missing';
  loanable: boolean;
}

export interface Layout {
  spec: ScaleSpec;
  /** items [0, generalItems) are the network's; [generalItems, items) are reserved for kiosks */
  generalItems: number;
  generalPatrons: number;
  openLoanStride: number;
}

export function layoutFor(spec: ScaleSpec): Layout {
  const generalItems = spec.items - spec.kioskCapacity * ITEMS_PER_KIOSK;
  const generalPatrons = spec.patrons - spec.kioskCapacity * PATRONS_PER_KIOSK;
  if (generalItems <= 0 || generalPatrons <= 0)
    throw new Error(`scale ${spec.name}: kiosk reservation exceeds the dataset`);
  const openLoanStride = spec.openLoans > 0 ? Math.floor(generalItems / spec.openLoans) : generalItems;
  if (openLoanStride < 4) throw new Error(`scale ${spec.name}: too many open loans for the items`);
  return { spec, generalItems, generalPatrons, openLoanStride };
}

/** ~70 % books, 14 % children's books, 8 % periodicals, 6 % audiovisual, 2 % reference; 0.1 % missing. */
export function itemProfile(l: Layout, i: number): ItemProfile {
  if (i >= l.generalItems) return { type: 'book', status: 'available', loanable: true };
  const m = i % 50;
  const type: BenchItemType =
    m === 49 ? 'reference' : m >= 46 ? 'audiovisual' : m >= 42 ? 'periodical' : m >= 35 ? 'children_book' : 'book';
  const status = i % 1000 === 998 ? 'missing' : 'available';
  return { type, status, loanable: type !== 'reference' };
}

export const circulates = (l: Layout, i: number): boolean => {
  const p = itemProfile(l, i);
  return p.loanable && p.status === 'available';
};

/** The item of seeded open loan j: spread evenly, the first circulating item at or after j × stride. */
export function openLoanItem(l: Layout, j: number): number {
  let i = j * l.openLoanStride;
  while (!circulates(l, i)) i++;
  return i;
}

export const isOpenLoanItem = (l: Layout, i: number): boolean => {
  if (i >= l.generalItems) return false;
  const j = Math.floor(i / l.openLoanStride);
  return j < l.spec.openLoans && openLoanItem(l, j) === i;
};

export type BenchPatronType = 'adult' | 'child' | 'senior' | 'student' | 'visually_impaired' | 'staff';

export interface PatronProfile {
  type: BenchPatronType;
  expired: boolean;
  cardLost: boolean;
}

/** 55 % adults, 20 % children, 10 % seniors, 12 % students, 1 % visually impaired, 1 % staff; ~1 % expired cards, ~0.5 % lost cards. */
export function patronProfile(l: Layout, i: number): PatronProfile {
  if (i >= l.generalPatrons) return { type: 'adult', expired: false, cardLost: false };
  const m = i % 100;
  const type: BenchPatronType =
    m < 55
      ? 'adult'
      : m < 75
        ? 'child'
        : m < 85
          ? 'senior'
          : m < 97
            ? 'student'
            : m < 98
              ? 'visually_impaired'
              : m < 99
                ? 'staff'
                : 'adult';
  return { type, expired: i % 97 === 13, cardLost: i % 211 === 17 };
}

export const patronInGoodStanding = (l: Layout, i: number): boolean => {
  const p = patronProfile(l, i);
  return !p.expired && !p.cardLost;
};

/** Patron of seeded open loan j: a good-standing general patron (at most a few open loans each). */
export function openLoanPatron(l: Layout, j: number): number {
  let i = (j * 7919) % l.generalPatrons;
  while (!patronInGoodStanding(l, i)) i = (i + 1) % l.generalPatrons;
  return i;
}

export const kioskItems = (l: Layout, k: number): number[] =>
  Array.from({ length: ITEMS_PER_KIOSK }, (_, j) => l.generalItems + k * ITEMS_PER_KIOSK + j);
export const kioskPatrons = (l: Layout, k: number): number[] =>
  Array.from({ length: PATRONS_PER_KIOSK }, (_, j) => l.generalPatrons + k * PATRONS_PER_KIOSK + j);

/** Items the year replay may lend: circulating general items with no seeded open loan. */
export function replayItemPool(l: Layout): Int32Array {
  const out = new Int32Array(l.generalItems);
  let n = 0;
  for (let i = 0; i < l.generalItems; i++) if (circulates(l, i) && !isOpenLoanItem(l, i)) out[n++] = i;
  return out.subarray(0, n);
}

/** Patrons the replay lends to: good standing, general, not holding a seeded open loan. */
export function replayPatronPool(l: Layout): Int32Array {
  const holders = new Set<number>();
  for (let j = 0; j < l.spec.openLoans; j++) holders.add(openLoanPatron(l, j));
  const out = new Int32Array(l.generalPatrons);
  let n = 0;
  for (let i = 0; i < l.generalPatrons; i++) if (patronInGoodStanding(l, i) && !holders.has(i)) out[n++] = i;
  return out.subarray(0, n);
}

/** Loan rule id the loans migration would pick for (patron type, item type). */
export function ruleFor(patronType: string, itemType: string): string {
  const child = patronType === 'child';
  if (itemType === 'audiovisual') return child ? 'children-audiovisual' : 'audiovisual';
  if (itemType === 'periodical') return child ? 'children-periodical' : 'periodical';
  return child ? 'children' : 'default';
}

export const loanDaysFor = (itemType: string): number =>
  itemType === 'audiovisual' || itemType === 'periodical' ? 14 : 30;

/** Due moment: the end of the due day in Asia/Shanghai (UTC+8, no DST), as the loans service stores it. */
export function dueFor(checkedOutAt: Date, days: number): { dueAt: Date; dueDate: string } {
  const localMs = checkedOutAt.getTime() + 8 * 3_600_000 + days * 86_400_000;
  const dueDate = new Date(localMs).toISOString().slice(0, 10);
  return { dueAt: new Date(`${dueDate}T15:59:59.000Z`), dueDate };
}
