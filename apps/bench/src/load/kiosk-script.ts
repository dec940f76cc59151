/**
 * What one simulated self-check kiosk sends, as a state machine that keeps the data stable: a patron
 * looks themselves up (63), checks items out (11) and later returns them (09), renews (29) and looks
 * items up (17). Each kiosk owns its items and patrons, so kiosks never fight over rows and every
 * message is meant to succeed (any refusal is counted as an error). Checkouts and checkins balance over
 * a cycle; an item returned rests behind the rest of the pool before it goes out again.
 *
 * Mix per 20-message cycle: 5 checkout, 5 checkin, 4 patron information, 3 renew, 3 item information.
 */
export type KioskCode = '63' | '11' | '09' | '29' | '17';

export const CYCLE: readonly KioskCode[] = [
  '63',
  '11',
  '17',
  '11',
  '29',
  '09',
  '63',
  '11',
  '09',
  '17',
  '29',
  '09',
  '63',
  '11',
  '09',
  '17',
  '63',
  '11',
  '29',
  '09',
];

/** loans kept open across cycles (so checkin and renew always have something to act on) */
export const PRIME_DEPTH = 3;

export interface PlannedMessage {
  code: KioskCode;
  patron?: string;
  item?: string;
}

interface Loan {
  item: string;
  patron: string;
  renewed: boolean;
}

export class KioskScript {
  private readonly free: string[];
  private readonly onLoan: Loan[] = [];
  private step = 0;
  private checkouts = 0;
  private lookups = 0;

  constructor(
    items: readonly string[],
    private readonly patrons: readonly string[],
  ) {
    this.free = [...items];
  }

  get openLoans(): readonly Loan[] {
    return this.onLoan;
  }

  /** Items this kiosk may have left on loan (reset and finish check them all in). */
  get allItems(): string[] {
    return [...this.onLoan.map((l) => l.item), ...this.free];
  }

  private nextPatron(): string {
    return this.patrons[this.checkouts % this.patrons.length];
  }

  /** The warm-up checkouts that open the first PRIME_DEPTH loans. */
  primeMessages(): PlannedMessage[] {
    return Array.from({ length: Math.min(PRIME_DEPTH, this.free.length) }, (_, i) => ({
      code: '11' as const,
      patron: this.patrons[i % this.patrons.length],
      item: this.free[i],
    }));
  }

  /** The next message of the cycle, falling back to item information when the cycle's step cannot apply. */
  next(): PlannedMessage {
    const code = CYCLE[this.step];
    this.step = (this.step + 1) % CYCLE.length;
    switch (code) {
      case '63':
        return { code, patron: this.nextPatron() };
      case '11':
        if (this.free.length > 0) return { code, patron: this.nextPatron(), item: this.free[0] };
        break;
      case '09':
        if (this.onLoan.length > 0) return { code, item: this.onLoan[0].item };
        break;
      case '29': {
        const loan = [...this.onLoan].reverse().find((l) => !l.renewed);
        if (loan) return { code, patron: loan.patron, item: loan.item };
        break;
      }
      case '17':
        break;
    }
    return { code: '17', item: this.lookupItem() };
  }

  private lookupItem(): string {
    const all = this.allItems;
    return all[this.lookups++ % all.length];
  }

  /** Apply the outcome of a message to the kiosk's view of its items. */
  applied(m: PlannedMessage, ok: boolean): void {
    if (!ok || !m.item) return;
    if (m.code === '11') {
      const i = this.free.indexOf(m.item);
      if (i >= 0) this.free.splice(i, 1);
      this.onLoan.push({ item: m.item, patron: m.patron!, renewed: false });
      this.checkouts++;
    } else if (m.code === '09') {
      const i = this.onLoan.findIndex((l) => l.item === m.item);
      if (i >= 0) this.onLoan.splice(i, 1);
      if (!this.free.includes(m.item)) this.free.push(m.item);
    } else if (m.code === '29') {
      const loan = this.onLoan.find((l) => l.item === m.item);
      if (loan) loan.renewed = true;
    }
  }

  /** After a reset (every item checked in). */
  resetToFree(): void {
    const all = this.allItems;
    this.onLoan.length = 0;
    this.free.length = 0;
    this.free.push(...all);
    this.step = 0;
  }
}
