import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import {
  ClearanceEntry,
  ClearanceQueryDto,
  ClearCompartmentDto,
  DeliveryEventSubjects,
  ErrorCode,
  OrderView,
  ReissueCodeDto,
} from '@app/contracts';
import { LockerDeviceUseCase } from '../device/locker-device.usecase';
import { OrderJournal } from '../orders/order-journal.service';
import { OrderStepsUseCase, stepInvalid } from '../orders/order-steps.usecase';
import { OrderRepository } from '../orders/order.repository';
import { IdempotentRequests } from '../shared/idempotent-requests.service';
import { LockerRepository } from './locker.repository';

/** The staff work list of compartments to empty (expired or cancelled parcels), clearing them, and code re-issue. */
@Injectable()
export class ClearanceUseCase {
  constructor(
    private readonly lockers: LockerRepository,
    private readonly orders: OrderRepository,
    private readonly journal: OrderJournal,
    private readonly steps: OrderStepsUseCase,
    private readonly device: LockerDeviceUseCase,
    private readonly requests: IdempotentRequests,
  ) {}

  async list(dto: ClearanceQueryDto): Promise<ClearanceEntry[]> {
    const rows = await this.lockers.clearance(dto.locker);
    const items = await this.orders.items(rows.map((r) => r.orderId));
    const orders = await Promise.all(rows.map((r) => this.orders.find(r.orderId)));
    return rows.map((r, i) => ({
      locker: r.locker,
      compartment: r.number,
      orderId: r.orderId,
      patron: { agency: orders[i]!.patronAgency, barcode: orders[i]!.patronBarcode },
      items: items
        .filter((it) => it.orderId === r.orderId)
        .map((it) => ({ agency: it.itemAgency, barcode: it.itemBarcode, title: it.title })),
      expiredAt: r.updatedAt.toISOString(),
    }));
  }

  /** Staff took the books out: the copies go back to stock (holds cancelled) and the compartment is free. */
  clear(dto: ClearCompartmentDto): Promise<OrderView> {
    return this.requests.run(
      dto.requestId,
      `clearance.clear/${dto.locker}/${dto.compartment}`,
      dto.actor,
      async (m) => {
        const now = new Date();
        // the order first, then the compartment: the lock order of a pickup
        const seen = (await this.lockers.compartments(dto.locker)).find((x) => x.number === dto.compartment);
        const order = seen?.orderId ? await this.orders.find(seen.orderId, m, true) : null;
        const c = await this.lockers.findCompartment(m, dto.locker, dto.compartment);
        if (!c)
          throw new DomainError(
            ErrorCode.CompartmentNotFound,
            `locker ${dto.locker} has no compartment ${dto.compartment}`,
          );
        if (
          !order ||
          c.orderId !== order.id ||
          c.state !== 'occupied' ||
          !['expired', 'cancelled'].includes(order.status)
        ) {
          throw new DomainError(
            ErrorCode.OrderStepInvalid,
            `compartment ${dto.locker}/${dto.compartment} holds no expired or cancelled parcel`,
          );
        }
        await this.steps.releaseCopies(m, order);
        await this.lockers.setCompartment(m, dto.locker, dto.compartment, 'free', null);
        order.status = 'cleared';
        await this.orders.update(m, order.id, { status: 'cleared', codeHash: null }, now);
        await this.journal.record(
          m,
          order,
          'cleared',
          { ...dto.actor, location: dto.actor.location ?? dto.locker },
          now,
          {
            detail: { compartment: dto.compartment },
            event: DeliveryEventSubjects.orderEnded,
          },
        );
        return this.journal.view(m, order.id);
      },
    );
  }

  /** A new code for a parcel in a locker (after a lock, or lost): the old one stops working. */
  reissue(dto: ReissueCodeDto): Promise<OrderView> {
    return this.requests.run(dto.requestId, `order.reissue-code/${dto.orderId}`, dto.actor, async (m) => {
      const now = new Date();
      const order = await this.orders.find(dto.orderId, m, true);
      if (
        !order ||
        (dto.patron && (order.patronAgency !== dto.patron.agency || order.patronBarcode !== dto.patron.barcode))
      ) {
        throw new DomainError(ErrorCode.OrderNotFound, `order ${dto.orderId} not found`);
      }
      if (order.status !== 'in_locker') throw stepInvalid('re-issue a code for', order);
      const sealedCode = await this.device.issueCode(m, order, {}, now);
      await this.journal.record(m, order, 'code_reissued', dto.actor, now, {
        event: DeliveryEventSubjects.parcelReady,
        extra: { sealedCode },
      });
      return this.journal.view(m, order.id);
    });
  }
}
