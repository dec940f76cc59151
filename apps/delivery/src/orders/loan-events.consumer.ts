import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { EventConsumerService, OutboxService } from '@app/common';
import { DeliveryEventSubjects, EventEnvelope, EventSubjects, LoanEventData } from '@app/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { DeliveryEnvDto } from '../config/delivery-env.dto';
import { LockerRepository } from '../lockers/locker.repository';
import { OrderJournal } from './order-journal.service';
import { OrderRepository } from './order.repository';

/** YYYY-MM-DD of an instant in the library's zone */
const localDate = (iso: string, tz: string): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone: tz }).format(new Date(iso));

/**
 * Keeps orders in step with loans made or closed outside the device API: a locker that speaks SIP2
 * lends the books of a parcel with SIP2 checkouts (11) and takes returns with checkins (09), and a book
 * from an order may come back at any desk. Loans events are the common ground, so both paths end in
 * the same order state. Idempotent: a copy already marked (by the device API or an earlier delivery of
 * the event) is left alone.
 */
@Injectable()
export class LoanEventsConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumer: EventConsumerService,
    private readonly ds: DataSource,
    private readonly orders: OrderRepository,
    private readonly lockers: LockerRepository,
    private readonly journal: OrderJournal,
    private readonly outbox: OutboxService,
    private readonly env: DeliveryEnvDto,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.consume({
      durable: 'delivery-loan-events',
      filterSubject: 'events.loans.>',
      subjects: [EventSubjects.loanCreated, EventSubjects.loanClosed],
      handler: (e) => this.handle(e),
    });
  }

  async handle(event: EventEnvelope): Promise<void> {
    const d = event.data as LoanEventData;
    const changed = await this.ds.transaction((m) =>
      event.type === EventSubjects.loanCreated ? this.lent(m, d, event) : this.returned(m, d, event),
    );
    if (changed) this.outbox.notifyCommitted();
  }

  private async lent(m: EntityManager, d: LoanEventData, event: EventEnvelope): Promise<boolean> {
    const row = await this.orders.lockReservedItem(m, d.item, d.patron);
    if (!row) return false;
    const at = new Date(event.occurredAt);
    await this.orders.setItemLoan(
      m,
      row.orderId,
      row.position,
      d.loanId,
      localDate(d.dueAt, this.env.LIBRARY_TIMEZONE),
    );
    const order = (await this.orders.find(row.orderId, m))!;
    const left = (await this.orders.items([order.id], m)).filter((i) => i.state === 'reserved').length;
    const actor = { kind: 'system' as const, id: `loans/${d.channel}`, location: d.branch };
    if (left === 0 && order.status === 'in_locker') {
      // every book of the compartment went out through the locker's own SIP2 checkouts
      order.status = 'collected';
      await this.orders.update(m, order.id, { status: 'collected', codeHash: null }, at);
      // a SIP2 locker reports no door events: the emptied compartment is free for the next parcel
      if (order.lockerCode && order.compartment)
        await this.lockers.setCompartment(m, order.lockerCode, order.compartment, 'free', null);
      await this.journal.record(m, order, 'collected', actor, at, {
        detail: { via: d.channel, compartment: order.compartment },
        event: DeliveryEventSubjects.parcelCollected,
      });
    } else {
      await this.orders.addTimeline(m, order.id, 'item_lent', order.status, actor, at, {
        item: d.item,
        via: d.channel,
      });
    }
    return true;
  }

  private async returned(m: EntityManager, d: LoanEventData, event: EventEnvelope): Promise<boolean> {
    const row = await this.orders.lockLoanedItem(m, { loanId: d.loanId });
    if (!row) return false;
    const at = new Date(event.occurredAt);
    await this.orders.setItemReturned(m, row.orderId, row.position);
    const order = (await this.orders.find(row.orderId, m))!;
    await this.journal.record(
      m,
      order,
      'item_returned',
      { kind: 'system', id: `loans/${d.channel}`, location: d.branch },
      at,
      { detail: { item: d.item } },
    );
    return true;
  }
}
