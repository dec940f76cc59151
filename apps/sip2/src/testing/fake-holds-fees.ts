// Test doubles for unit specs: the loans service's holds and fines reduced to what SIP2 observes.
import { ErrorCode, FinesPage, FineView, HoldView, Page, PayFinesResult } from '@app/contracts';
import type { Ref } from '../backend/circulation-backend';
import type { FeesPort, PayRequest } from '../backend/fees.port';
import type { HoldsPort, PlaceHoldRequest } from '../backend/holds.port';
import { FakeCirculationBackend, FakeRemoteError } from './fake-circulation.backend';

const same = (a: Ref | null | undefined, b: Ref) => !!a && a.agency === b.agency && a.barcode === b.barcode;
const ACTIVE = ['waiting', 'in_transit', 'ready'];

export function fakeHold(over: Partial<HoldView> = {}): HoldView {
  return {
    id: `00000000-0000-4000-8000-${String(Math.floor(Math.random() * 1e12)).padStart(12, '0')}`,
    patron: { agency: 'CN-320583-1-KSL', barcode: 'P1' },
    level: 'item',
    recordId: 'r1',
    item: { agency: 'CN-320583-1-KSL', barcode: 'B1' },
    title: '水浒传',
    agency: 'CN-320583-1-KSL',
    pickupBranch: 'KSL-MAIN',
    status: 'waiting',
    priority: 0,
    placedBy: 'patron',
    placedAt: '2026-11-25T02:00:00.000Z',
    notNeededAfter: null,
    queuePosition: 1,
    trappedItem: null,
    trappedAt: null,
    readyAt: null,
    pickupDeadline: null,
    pickupDeadlineDate: null,
    endedAt: null,
    endReason: null,
    loanId: null,
    ...over,
  };
}

export class FakeHoldsPort implements HoldsPort {
  holds: HoldView[] = [];
  calls: { op: string; arg: unknown }[] = [];
  failWith?: string;
  /** item barcodes the policy matrix refuses holds on */
  notAllowed = new Set<string>();

  constructor(private readonly backend: FakeCirculationBackend) {}

  private guard(op: string, arg: unknown): void {
    this.calls.push({ op, arg });
    if (this.failWith) throw new FakeRemoteError(this.failWith);
  }

  async place(req: PlaceHoldRequest): Promise<HoldView> {
    this.guard('place', req);
    await this.backend.getPatron(req.patron);
    if (req.pin !== undefined && this.backend.pins.get(`${req.patron.agency}/${req.patron.barcode}`) !== req.pin)
      throw new FakeRemoteError(ErrorCode.PinInvalid);
    if (req.pickupBranch === 'KSL-24H-SLGY') throw new FakeRemoteError(ErrorCode.HoldPickupInvalid);
    if (req.pickupBranch === 'NOWHERE') throw new FakeRemoteError(ErrorCode.BranchUnknown);
    const item = req.item ? await this.backend.getItem(req.item) : null;
    if (item && this.notAllowed.has(item.barcode)) throw new FakeRemoteError(ErrorCode.HoldNotAllowed);
    const recordId = item?.recordId ?? req.recordId!;
    const mine = this.holds.filter(
      (h) => ACTIVE.includes(h.status) && same(h.patron, req.patron) && h.recordId === recordId,
    );
    if (mine.length) throw new FakeRemoteError(ErrorCode.HoldAlreadyPlaced);
    const waiting = this.holds.filter((h) => h.status === 'waiting' && h.recordId === recordId).length;
    const hold = fakeHold({
      patron: req.patron,
      level: item ? 'item' : 'title',
      recordId,
      item: item ? { agency: item.agency, barcode: item.barcode } : null,
      title: item?.title ?? '水浒传',
      pickupBranch: req.pickupBranch,
      notNeededAfter: req.notNeededAfter ?? null,
      queuePosition: waiting + 1,
    });
    this.holds.push(hold);
    return hold;
  }

  async cancel(patron: Ref, holdId: string): Promise<HoldView> {
    this.guard('cancel', { patron, holdId });
    const h = this.holds.find((x) => x.id === holdId && same(x.patron, patron));
    if (!h) throw new FakeRemoteError(ErrorCode.HoldNotFound);
    if (!ACTIVE.includes(h.status)) throw new FakeRemoteError(ErrorCode.HoldNotCancellable);
    Object.assign(h, { status: 'cancelled', endReason: 'cancelled_by_patron', queuePosition: null });
    return { ...h };
  }

  /** what the loans service's patron summary counts as `holds` (no call recorded) */
  activeCount(patron: Ref): number {
    return this.holds.filter((h) => same(h.patron, patron) && ACTIVE.includes(h.status)).length;
  }

  async patronHolds(patron: Ref, limit: number): Promise<Page<HoldView>> {
    this.guard('patronHolds', patron);
    const items = this.holds.filter((h) => same(h.patron, patron) && ACTIVE.includes(h.status));
    return { items: items.slice(0, limit), total: items.length, limit, offset: 0 };
  }

  async itemQueue(item: Ref, limit: number): Promise<Page<HoldView>> {
    this.guard('itemQueue', item);
    const it = await this.backend.getItem(item);
    const items = this.holds.filter(
      (h) =>
        ACTIVE.includes(h.status) &&
        (same(h.item, item) || same(h.trappedItem, item) || (h.level === 'title' && h.recordId === it.recordId)),
    );
    return { items: items.slice(0, limit), total: items.length, limit, offset: 0 };
  }
}

export function fakeFine(over: Partial<FineView> = {}): FineView {
  return {
    id: `0f000000-0000-4000-8000-${String(Math.floor(Math.random() * 1e12)).padStart(12, '0')}`,
    patron: { agency: 'CN-320583-1-KSL', barcode: 'P1' },
    loanId: 'L1',
    item: { agency: 'CN-320583-1-KSL', barcode: 'B1' },
    title: '水浒传',
    kind: 'overdue',
    status: 'open',
    amountFen: 600,
    paidFen: 0,
    waivedFen: 0,
    outstandingFen: 600,
    chargeableDays: 6,
    note: null,
    createdAt: '2026-11-20T02:00:00.000Z',
    updatedAt: '2026-11-20T02:00:00.000Z',
    closedAt: null,
    ...over,
  };
}

export class FakeFeesPort implements FeesPort {
  fines: FineView[] = [];
  /** payments recorded (refused ones are not) */
  payments: PayRequest[] = [];
  private readonly byTransaction = new Map<string, PayFinesResult>();
  failWith?: string;

  private open(patron: Ref): FineView[] {
    return this.fines.filter((f) => same(f.patron, patron) && f.status === 'open');
  }

  /** what the loans service's patron summary counts as `finesFen` */
  outstandingFen(patron: Ref): number {
    return this.open(patron).reduce((n, f) => n + f.outstandingFen, 0);
  }

  async openFines(patron: Ref, limit: number): Promise<FinesPage> {
    if (this.failWith) throw new FakeRemoteError(this.failWith);
    const open = this.open(patron);
    return {
      items: open.slice(0, limit),
      total: open.length,
      limit,
      offset: 0,
      outstandingFen: open.reduce((n, f) => n + f.outstandingFen, 0),
    };
  }

  async pay(req: PayRequest): Promise<PayFinesResult> {
    if (this.failWith) throw new FakeRemoteError(this.failWith);
    const replay = this.byTransaction.get(req.transactionId);
    if (replay) return { ...replay, replayed: true };
    let open = this.open(req.patron).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    if (req.fineId) {
      const fine = this.fines.find((f) => f.id === req.fineId && same(f.patron, req.patron));
      if (!fine) throw new FakeRemoteError(ErrorCode.FineNotFound);
      if (fine.status !== 'open') throw new FakeRemoteError(ErrorCode.Conflict);
      open = [fine];
    }
    const owed = open.reduce((n, f) => n + f.outstandingFen, 0);
    if (req.amountFen > owed)
      throw new FakeRemoteError(ErrorCode.PaymentExceedsBalance, 'too much', {
        owedFen: owed,
        amountFen: req.amountFen,
      });
    let left = req.amountFen;
    const applied: PayFinesResult['applied'] = [];
    for (const f of open) {
      if (left === 0) break;
      const part = Math.min(left, f.outstandingFen);
      f.paidFen += part;
      f.outstandingFen -= part;
      if (f.outstandingFen === 0) f.status = 'paid';
      applied.push({ fineId: f.id, amountFen: part, outstandingFen: f.outstandingFen, status: f.status });
      left -= part;
    }
    const outstandingFen = this.open(req.patron).reduce((n, f) => n + f.outstandingFen, 0);
    const result: PayFinesResult = {
      patron: req.patron,
      paidFen: req.amountFen,
      applied,
      outstandingFen,
      transactionId: req.transactionId,
      replayed: false,
      finesBlock: false,
    };
    this.byTransaction.set(req.transactionId, result);
    this.payments.push(req);
    return result;
  }
}
