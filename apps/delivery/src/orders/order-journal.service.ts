import { Injectable } from '@nestjs/common';
import { OutboxService } from '@app/common';
import { ActorDto, DeliveryEventSubjects, OrderEventData, OrderView } from '@app/contracts';
import { EntityManager } from 'typeorm';
import { LockerRepository } from '../lockers/locker.repository';
import { toEventData, toOrderView } from './order.mapper';
import { OrderRepository, OrderRow } from './order.repository';

type EventSubject = (typeof DeliveryEventSubjects)[keyof typeof DeliveryEventSubjects];

/** Every state change writes a timeline entry (who, where, when) and an outbox event, in the change's transaction. */
@Injectable()
export class OrderJournal {
  constructor(
    private readonly orders: OrderRepository,
    private readonly lockers: LockerRepository,
    private readonly outbox: OutboxService,
  ) {}

  async record(
    m: EntityManager,
    order: OrderRow,
    action: string,
    actor: ActorDto,
    at: Date,
    opts: { detail?: Record<string, unknown>; event?: EventSubject; extra?: Partial<OrderEventData> } = {},
  ): Promise<void> {
    await this.orders.addTimeline(m, order.id, action, order.status, actor, at, opts.detail ?? {});
    const items = await this.orders.items([order.id], m);
    const locker = order.lockerCode ? await this.lockers.find(order.lockerCode, m) : null;
    await this.outbox.add(
      m,
      opts.event ?? DeliveryEventSubjects.orderUpdated,
      toEventData(order, items, action, opts.extra, locker?.name ?? null),
      at,
    );
  }

  async view(m: EntityManager, id: string): Promise<OrderView> {
    const o = (await this.orders.find(id, m))!;
    return toOrderView(o, await this.orders.items([id], m));
  }
}
