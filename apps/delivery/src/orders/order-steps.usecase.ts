import { Injectable } from '@nestjs/common';
import { DomainError, RemoteError } from '@app/common';
import { DeliveryEventSubjects, ErrorCode, OrderStatus, OrderStepDto, OrderView } from '@app/contracts';
import { EntityManager } from 'typeorm';
import { asDomainError, CirculationClient } from '../clients/circulation.client';
import { IdempotentRequests } from '../shared/idempotent-requests.service';
import { OrderJournal } from './order-journal.service';
import { OrderItemRow, OrderRepository, OrderRow } from './order.repository';

/** From which statuses each staff step may be taken, and where it leads. */
const STEPS: Record<
  Exclude<OrderStepDto['step'], 'cancel'>,
  { from: OrderStatus[]; to: OrderStatus; mode?: 'locker' | 'home' }
> = {
  pick: { from: ['placed'], to: 'picked' },
  pack: { from: ['picked'], to: 'packed' },
  dispatch: { from: ['packed'], to: 'dispatched', mode: 'locker' },
  hand_over: { from: ['packed'], to: 'handed_over', mode: 'home' },
  delivered: { from: ['handed_over'], to: 'delivered', mode: 'home' },
  failed: { from: ['handed_over'], to: 'failed', mode: 'home' },
};
/** a reader may cancel until the parcel is packed; staff at any point before collection */
const READER_CANCELLABLE: OrderStatus[] = ['placed', 'picked'];
const STAFF_CANCELLABLE: OrderStatus[] = [
  'placed',
  'picked',
  'packed',
  'dispatched',
  'awaiting_compartment',
  'in_locker',
  'handed_over',
];

/** Staff fulfilment steps (and cancellation), each idempotent on its request id. */
@Injectable()
export class OrderStepsUseCase {
  constructor(
    private readonly orders: OrderRepository,
    private readonly journal: OrderJournal,
    private readonly requests: IdempotentRequests,
    private readonly circulation: CirculationClient,
  ) {}

  step(dto: OrderStepDto): Promise<OrderView> {
    return this.requests.run(dto.requestId, `order.${dto.step}/${dto.orderId}`, dto.actor, async (m) => {
      const now = new Date();
      const order = await this.orders.find(dto.orderId, m, true);
      if (
        !order ||
        (dto.patron && (order.patronAgency !== dto.patron.agency || order.patronBarcode !== dto.patron.barcode))
      ) {
        throw new DomainError(ErrorCode.OrderNotFound, `order ${dto.orderId} not found`);
      }
      // staff work at the stock location unless they say otherwise
      dto.actor = { ...dto.actor, location: dto.actor.location ?? order.stockLocation };
      if (dto.step === 'cancel') return this.cancel(m, order, dto, now);
      const rule = STEPS[dto.step];
      if (!rule.from.includes(order.status as OrderStatus) || (rule.mode && rule.mode !== order.mode)) {
        throw stepInvalid(dto.step, order);
      }
      const detail: Record<string, unknown> = {};
      if (dto.step === 'hand_over') {
        if (!dto.carrier) throw new DomainError(ErrorCode.ValidationFailed, 'hand_over needs the carrier');
        const fee = dto.feeFen ?? 0;
        const subsidy = dto.subsidyFen ?? 0;
        if (subsidy > fee) throw new DomainError(ErrorCode.ValidationFailed, 'subsidyFen cannot exceed feeFen');
        Object.assign(order, {
          carrier: dto.carrier,
          trackingNumber: dto.trackingNumber ?? null,
          feeFen: fee,
          subsidyFen: subsidy,
        });
        await this.orders.update(
          m,
          order.id,
          { carrier: order.carrier, trackingNumber: order.trackingNumber, feeFen: fee, subsidyFen: subsidy },
          now,
        );
        Object.assign(detail, {
          carrier: dto.carrier,
          trackingNumber: dto.trackingNumber ?? null,
          feeFen: fee,
          subsidyFen: subsidy,
        });
      }
      if (dto.step === 'delivered') detail.loans = await this.lendAll(m, order, 'delivery', order.stockLocation);
      if (dto.step === 'failed') {
        await this.releaseCopies(m, order);
        if (dto.reason) detail.reason = dto.reason;
      }
      order.status = rule.to;
      await this.orders.update(m, order.id, { status: rule.to }, now);
      const event =
        dto.step === 'delivered'
          ? DeliveryEventSubjects.orderDelivered
          : dto.step === 'failed'
            ? DeliveryEventSubjects.orderEnded
            : DeliveryEventSubjects.orderUpdated;
      await this.journal.record(m, order, dto.step, dto.actor, now, { detail, event });
      return this.journal.view(m, order.id);
    });
  }

  private async cancel(m: EntityManager, order: OrderRow, dto: OrderStepDto, now: Date): Promise<OrderView> {
    const allowed = dto.actor.kind === 'reader' ? READER_CANCELLABLE : STAFF_CANCELLABLE;
    if (!allowed.includes(order.status as OrderStatus))
      throw stepInvalid(
        'cancel',
        order,
        dto.actor.kind === 'reader' ? 'readers can cancel until the parcel is packed' : undefined,
      );
    await this.releaseCopies(m, order);
    order.status = 'cancelled';
    // a parcel already in a compartment stays there until staff clear it (it is on the clearance list)
    await this.orders.update(m, order.id, { status: 'cancelled', codeHash: null }, now);
    await this.journal.record(m, order, 'cancelled', dto.actor, now, {
      detail: dto.reason ? { reason: dto.reason } : {},
      event: DeliveryEventSubjects.orderEnded,
    });
    return this.journal.view(m, order.id);
  }

  /**
   * Checks out every reserved copy of the order to its reader (channel `locker` or `delivery`).
   * A copy already lent to this reader by an earlier attempt counts as done.
   */
  async lendAll(
    m: EntityManager,
    order: OrderRow,
    channel: 'locker' | 'delivery',
    branch: string,
  ): Promise<{ item: { agency: string; barcode: string }; loanId: string; dueDate: string }[]> {
    const items = (await this.orders.items([order.id], m)).filter((i) => i.state === 'reserved');
    const patron = { agency: order.patronAgency, barcode: order.patronBarcode };
    const loans = [];
    for (const i of items) {
      const item = { agency: i.itemAgency, barcode: i.itemBarcode };
      try {
        const res = await this.circulation.checkout({ patron, item, branch, channel });
        await this.orders.setItemLoan(m, order.id, i.position, res.loan.id, res.loan.dueDate);
        loans.push({ item, loanId: res.loan.id, dueDate: res.loan.dueDate });
      } catch (err) {
        throw asDomainError(err);
      }
    }
    return loans;
  }

  /** Cancels the loans holds of the copies still reserved: they go back to stock, orderable again. */
  async releaseCopies(m: EntityManager, order: OrderRow): Promise<void> {
    const items = (await this.orders.items([order.id], m)).filter((i: OrderItemRow) => i.state === 'reserved');
    for (const i of items) {
      if (!i.holdId) continue;
      try {
        await this.circulation.cancelHold({ holdId: i.holdId, cancelledBy: 'staff' });
      } catch (err) {
        // already ended (a retry after a crash): nothing to release
        if (!(err instanceof RemoteError && err.code === ErrorCode.HoldNotCancellable)) throw asDomainError(err);
      }
    }
    await this.orders.setItemsState(m, order.id, ['reserved'], 'released');
  }
}

export function stepInvalid(step: string, order: OrderRow, why?: string): DomainError {
  return new DomainError(
    ErrorCode.OrderStepInvalid,
    `cannot ${step} order ${order.id} (${order.mode}, ${order.status})${why ? `: ${why}` : ''}`,
    {
      status: order.status,
      mode: order.mode,
    },
  );
}
