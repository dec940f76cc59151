import { mulberry32 } from './load/arrival-schedule';

/**
 * One year of a library network's circulation, as a time-ordered list of checkouts and returns with
 * the shapes circulation really has: busier weekends (Sat/Sun ≈ 1.5× a Monday), a day that peaks late
 * morning, mid-afternoon and after work, and a night-time trickle at the 24-hour libraries only.
 * Items come from a pool and go back to it when returned (FIFO, so a returned item rests before it
 * goes out again); a patron never holds more than `maxOpenPerPatron` at once. Every checkout is
 * returned (returns after the year's end are included), so the replay leaves the data as it found it.
 */
export const WEEKDAY_WEIGHTS = [0.85, 0.95, 0.95, 1.0, 1.05, 1.45, 1.5]; // Monday .. Sunday
export const HOUR_WEIGHTS = [
  0.05,
  0.03,
  0.02,
  0.02,
  0.02,
  0.03,
  0.08,
  0.2, // 00-07: 24-hour libraries only
  0.6,
  1.1,
  1.5,
  1.4,
  0.9,
  0.8,
  1.1,
  1.4, // 08-15
  1.5,
  1.2,
  0.9,
  1.2,
  1.3,
  0.9,
  0.4,
  0.12, // 16-23
];
/** hours in which only 24-hour libraries are open */
export const isNightHour = (h: number): boolean => h < 8 || h >= 21;

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

export const CHECKOUT = 0;
export const CHECKIN = 1;

export interface YearShapeOptions {
  /** checkouts in the year; the replay has 2× this many transactions */
  checkouts: number;
  /** size of the item pool (indices 0..itemPool-1 into the caller's list) */
  itemPool: number;
  patronPool: number;
  /** branches 0..branches-1; the last `branches24h` of them are 24-hour libraries */
  branches: number;
  branches24h: number;
  days?: number;
  /** weekday of day 0: 0 = Monday (2025-01-01 was a Wednesday = 2) */
  firstWeekday?: number;
  maxOpenPerPatron?: number;
  seed?: number;
}

export interface YearEvents {
  length: number;
  /** ms from the start of the year */
  at: Float64Array;
  kind: Uint8Array;
  item: Int32Array;
  /** patron index for checkouts, -1 for returns */
  patron: Int32Array;
  branch: Uint16Array;
  checkouts: number;
  /** checkouts per weekday (Monday first) and per hour of day, for the report */
  byWeekday: number[];
  byHour: number[];
  peakOpen: number;
}

/** Largest-remainder apportionment of `total` over `weights` (exact total, deterministic). */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const raw = weights.map((w) => (total * w) / sum);
  const out = raw.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) out[order[k][1]]++;
  return out;
}

/** Loan length in days: a quarter short (3-10), half normal (10-30), a quarter renewed (30-60). */
function loanDays(r: () => number): number {
  const u = r();
  if (u < 0.25) return 3 + r() * 7;
  if (u < 0.75) return 10 + r() * 20;
  return 30 + r() * 30;
}

class ReturnHeap {
  private t: number[] = [];
  private item: number[] = [];
  private patron: number[] = [];
  private branch: number[] = [];
  get size(): number {
    return this.t.length;
  }
  peekTime(): number {
    return this.t[0];
  }
  push(t: number, item: number, patron: number, branch: number): void {
    let i = this.t.length;
    this.t.push(t);
    this.item.push(item);
    this.patron.push(patron);
    this.branch.push(branch);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.t[p] <= this.t[i]) break;
      this.swap(i, p);
      i = p;
    }
  }
  pop(): { t: number; item: number; patron: number; branch: number } {
    const top = { t: this.t[0], item: this.item[0], patron: this.patron[0], branch: this.branch[0] };
    const last = this.t.length - 1;
    this.swap(0, last);
    this.t.pop();
    this.item.pop();
    this.patron.pop();
    this.branch.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.t.length && this.t[l] < this.t[m]) m = l;
      if (r < this.t.length && this.t[r] < this.t[m]) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }
  private swap(a: number, b: number): void {
    [this.t[a], this.t[b]] = [this.t[b], this.t[a]];
    [this.item[a], this.item[b]] = [this.item[b], this.item[a]];
    [this.patron[a], this.patron[b]] = [this.patron[b], this.patron[a]];
    [this.branch[a], this.branch[b]] = [this.branch[b], this.branch[a]];
  }
}

function pickIndex(cdf: readonly number[], u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function generateYear(o: YearShapeOptions): YearEvents {
  const days = o.days ?? 365;
  const firstWeekday = o.firstWeekday ?? 2;
  const maxOpen = o.maxOpenPerPatron ?? 10;
  const r = mulberry32(o.seed ?? 2025);
  const n = o.checkouts;
  const total = 2 * n;
  const ev: YearEvents = {
    length: 0,
    at: new Float64Array(total),
    kind: new Uint8Array(total),
    item: new Int32Array(total),
    patron: new Int32Array(total),
    branch: new Uint16Array(total),
    checkouts: 0,
    byWeekday: new Array(7).fill(0),
    byHour: new Array(24).fill(0),
    peakOpen: 0,
  };
  const perDay = apportion(
    n,
    Array.from({ length: days }, (_, d) => WEEKDAY_WEIGHTS[(firstWeekday + d) % 7]),
  );
  const hourSum = HOUR_WEIGHTS.reduce((a, b) => a + b, 0);
  let acc = 0;
  const hourCdf = HOUR_WEIGHTS.map((w) => (acc += w / hourSum));
  const dayBranches = o.branches - o.branches24h;

  // free items, FIFO ring buffer
  const free = new Int32Array(o.itemPool);
  for (let i = 0; i < o.itemPool; i++) free[i] = i;
  let head = 0;
  let count = o.itemPool;
  const openPerPatron = new Uint8Array(o.patronPool);
  const heap = new ReturnHeap();

  const emit = (t: number, kind: number, item: number, patron: number, branch: number) => {
    const k = ev.length++;
    ev.at[k] = t;
    ev.kind[k] = kind;
    ev.item[k] = item;
    ev.patron[k] = patron;
    ev.branch[k] = branch;
  };
  const returnOne = () => {
    const x = heap.pop();
    emit(x.t, CHECKIN, x.item, -1, x.branch);
    free[(head + count) % o.itemPool] = x.item;
    count++;
    openPerPatron[x.patron]--;
  };

  for (let d = 0; d < days; d++) {
    const times = new Float64Array(perDay[d]);
    for (let j = 0; j < times.length; j++) times[j] = d * DAY_MS + pickIndex(hourCdf, r()) * HOUR_MS + r() * HOUR_MS;
    times.sort();
    for (const t of times) {
      while (heap.size > 0 && heap.peekTime() <= t) returnOne();
      if (count === 0) throw new Error(`item pool of ${o.itemPool} too small: every item is out on loan`);
      const item = free[head];
      head = (head + 1) % o.itemPool;
      count--;
      let patron = Math.floor(r() * o.patronPool);
      for (let tries = 0; openPerPatron[patron] >= maxOpen; tries++) {
        if (tries > o.patronPool) throw new Error('patron pool too small');
        patron = (patron + 1) % o.patronPool;
      }
      openPerPatron[patron]++;
      const hour = Math.floor((t % DAY_MS) / HOUR_MS);
      const night = isNightHour(hour) || dayBranches === 0;
      const branch = night ? dayBranches + Math.floor(r() * o.branches24h) : Math.floor(r() * o.branches);
      emit(t, CHECKOUT, item, patron, branch);
      ev.checkouts++;
      ev.byWeekday[(firstWeekday + d) % 7]++;
      ev.byHour[hour]++;
      // returned after the loan, at the same time of day (so the return shape follows opening hours)
      const back = t + Math.max(1, Math.round(loanDays(r))) * DAY_MS;
      const returnBranch =
        r() < 0.7 ? branch : night ? dayBranches + Math.floor(r() * o.branches24h) : Math.floor(r() * o.branches);
      heap.push(back, item, patron, returnBranch);
      ev.peakOpen = Math.max(ev.peakOpen, heap.size);
    }
  }
  while (heap.size > 0) returnOne();
  return ev;
}
