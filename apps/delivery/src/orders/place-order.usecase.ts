import { Injectable, Logger } from '@nestjs/common';
import { DomainError, OutboxService, RemoteError } from '@app/common';
import { DeliveryEventSubjects, ErrorCode, ItemView, OrderView, PlaceOrderDto } from '@app/contracts';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { asDomainError, CirculationClient } from '../clients/circulation.client';
import { DeliveryEnvDto } from '../config/delivery-env.dto';
import { LockerRepository } from '../lockers/locker.repository';
import { toEventData, toOrderView } from './order.mapper';
import { OrderItemRow, OrderRepository, OrderRow } from './order.repository';
import { StockService } from './stock.service';

/** loans refusals meaning "this copy is taken": try the next copy of the title */
const COPY_TAKEN: string[] = [
  ErrorCode.ItemHeldForAnotherPatron,
  ErrorCode.ItemAlreadyOnLoan,
  ErrorCode.ItemNotLoanable,
];

/**
 * Placing an order: limits and eligibility (the loans checkout dry run, counting copies already
 * ordered), then one concrete copy per title is reserved in two walls, both decided by a unique
 * index: this service's `order_items_reserved_key` (one open order per copy) and the loans hold with
 * the copy set aside (`holds_trapped_item_key`, which also stops desk checkouts of it). Anything
 * that fails releases what was reserved, so an order is all or nothing.
 */
@Injectable()
export class PlaceOrderUseCase {
  private readonly logger = new Logger(PlaceOrderUseCase.name);

  constructor(
    private readonly ds: DataSource,
    private readonly orders: OrderRepository,
    private readonly lockers: LockerRepository,
    private readonly stock: StockService,
    private readonly circulation: CirculationClient,
    private readonly outbox: OutboxService,
    private readonly env: DeliveryEnvDto,
  ) {}

  async execute(dto: PlaceOrderDto): Promise<OrderView> {
    const titles = [...new Set(dto.titles)];
    if (titles.length !== dto.titles.length) throw invalid('titles must not repeat');
    if (titles.length > this.env.DELIVERY_MAX_TITLES_PER_ORDER) {
      throw new DomainError(
        ErrorCode.OrderLimitExceeded,
        `at most ${this.env.DELIVERY_MAX_TITLES_PER_ORDER} titles per order`,
        { maxTitles: this.env.DELIVERY_MAX_TITLES_PER_ORDER },
      );
    }
    let pickupBranch: string;
    if (dto.mode === 'locker') {
      if (!dto.locker || dto.address) throw invalid('a locker order names a locker and no address');
      const locker = await this.lockers.find(dto.locker);
      if (!locker) throw new DomainError(ErrorCode.LockerUnknown, `locker ${dto.locker} is not registered`);
      if (!locker.online) throw new DomainError(ErrorCode.LockerOffline, `locker ${dto.locker} is offline`);
      if (locker.silent)
        throw new DomainError(
          ErrorCode.LockerOffline,
          `locker ${dto.locker} has not been heard from since ${locker.lastSeenAt!.toISOString()}`,
        );
      pickupBranch = locker.code;
    } else {
      if (!dto.address || !dto.phone || dto.locker)
        throw invalid('a home delivery needs an address and a phone, and no locker');
      pickupBranch = '';
    }

    const outstanding = await this.orders.outstandingCount(dto.patron);
    if (outstanding + titles.length > this.env.DELIVERY_MAX_OUTSTANDING) {
      throw new DomainError(
        ErrorCode.OrderLimitExceeded,
        `at most ${this.env.DELIVERY_MAX_OUTSTANDING} ordered books not yet collected (${outstanding} now)`,
        {
          outstanding,
          maxOutstanding: this.env.DELIVERY_MAX_OUTSTANDING,
        },
      );
    }

    const candidates = await Promise.all(titles.map((t) => this.stock.candidates(t)));
    const missing = titles.filter((_, i) => candidates[i].length === 0);
    if (missing.length > 0) throw noCopy(missing);
    // home deliveries are lent at the stock location the first copy comes from
    const stockLocation = candidates[0][0].currentLocation;
    if (dto.mode === 'home') pickupBranch = stockLocation;

    const now = new Date();
    const order: OrderRow = {
      id: randomUUID(),
      patronAgency: dto.patron.agency,
      patronBarcode: dto.patron.barcode,
      mode: dto.mode,
      status: 'placing',
      lockerCode: dto.mode === 'locker' ? pickupBranch : null,
      compartment: null,
      stockLocation,
      address: dto.address ?? null,
      phone: dto.phone ?? null,
      pickupDeadline: null,
      codeHash: null,
      codeExpiresAt: null,
      codeFailures: 0,
      codeLocked: false,
      remindedAt: null,
      carrier: null,
      trackingNumber: null,
      feeFen: null,
      subsidyFen: null,
      placedAt: now,
      updatedAt: now,
    };
    await this.orders.insertOrder(order);
    const reserved: OrderItemRow[] = [];
    try {
      // claim the copies here first: readers racing for the last copy are answered from this
      // database alone, and only the one holding the claim asks loans (dry run, then the hold)
      const claimed: OrderItemRow[] = [];
      for (let i = 0; i < titles.length; i++) {
        const got = await this.claimOne(order, i + 1, candidates[i]);
        if (!got) throw noCopy([titles[i]]);
        claimed.push(got);
      }
      await this.checkEligible(dto, claimed, pickupBranch, outstanding);
      for (let i = 0; i < titles.length; i++) {
        const got = await this.reserveOne(order, claimed[i], candidates[i], pickupBranch);
        if (!got) throw noCopy([titles[i]]);
        reserved.push(got);
      }
      await this.ds.transaction(async (m) => {
        // the outstanding limit again, under the reader's lock: two orders at once cannot both pass it
        await m.query(`SELECT pg_advisory_xact_lock(hashtext('delivery-patron/' || $1 || '/' || $2))`, [
          order.patronAgency,
          order.patronBarcode,
        ]);
        const now2 = await this.orders.outstandingCount(dto.patron, m);
        if (now2 + titles.length > this.env.DELIVERY_MAX_OUTSTANDING) {
          throw new DomainError(
            ErrorCode.OrderLimitExceeded,
            `at most ${this.env.DELIVERY_MAX_OUTSTANDING} ordered books not yet collected`,
          );
        }
        await this.orders.update(m, order.id, { status: 'placed' }, now);
        order.status = 'placed';
        const actor = dto.actor ?? { kind: 'reader' as const, id: dto.patron.barcode };
        await this.orders.addTimeline(m, order.id, 'placed', 'placed', actor, now, {
          titles: reserved.map((r) => r.title),
          ...(dto.mode === 'locker' ? { locker: pickupBranch } : { stockLocation }),
        });
        await this.outbox.add(m, DeliveryEventSubjects.orderPlaced, toEventData(order, reserved, 'placed'), now);
      });
      this.outbox.notifyCommitted();
    } catch (err) {
      await this.release(order.id, reserved);
      throw asDomainError(err);
    }
    const saved = (await this.orders.find(order.id))!;
    return toOrderView(saved, await this.orders.items([order.id]));
  }

  /** The first candidate copy no other open order has (the unique index decides), claimed for this order. */
  private async claimOne(
    order: OrderRow,
    position: number,
    copies: ItemView[],
    after?: OrderItemRow,
  ): Promise<OrderItemRow | null> {
    const start = after
      ? copies.findIndex((c) => c.agency === after.itemAgency && c.barcode === after.itemBarcode) + 1
      : 0;
    for (const c of copies.slice(start)) {
      const row: OrderItemRow = {
        orderId: order.id,
        position,
        recordId: c.recordId,
        title: c.title,
        itemAgency: c.agency,
        itemBarcode: c.barcode,
        shelfLocation: c.shelfLocation,
        state: 'reserved',
        holdId: null,
        loanId: null,
        dueDate: null,
      };
      if (await this.orders.claimItem(row)) return row;
    }
    return null;
  }

  /**
   * The loans hold that sets the claimed copy aside; when loans says the copy is taken (lent at a desk
   * a moment ago, or held), the claim moves on to the next candidate.
   */
  private async reserveOne(
    order: OrderRow,
    claimed: OrderItemRow,
    copies: ItemView[],
    pickupBranch: string,
  ): Promise<OrderItemRow | null> {
    let row: OrderItemRow | null = claimed;
    while (row) {
      try {
        const hold = await this.circulation.placeHold({
          patron: { agency: order.patronAgency, barcode: order.patronBarcode },
          item: { agency: row.itemAgency, barcode: row.itemBarcode },
          pickupBranch,
          placedBy: 'patron',
          channel: 'o2o',
          setAside: true,
        });
        await this.orders.setHold(order.id, row.position, hold.id);
        return { ...row, holdId: hold.id };
      } catch (err) {
        await this.orders.deleteItem(order.id, row.position);
        if (!(err instanceof RemoteError && COPY_TAKEN.includes(err.code))) throw err;
        row = await this.claimOne(order, row.position, copies, row);
      }
    }
    return null;
  }

  /** Blocks and loan limits as a checkout would see them, plus the copies already ordered and these. */
  private async checkEligible(
    dto: PlaceOrderDto,
    firstCopies: OrderItemRow[],
    branch: string,
    outstanding: number,
  ): Promise<void> {
    const runs = await Promise.all(
      firstCopies.map((c) =>
        this.circulation
          .dryRun({ patron: dto.patron, item: { agency: c.itemAgency, barcode: c.itemBarcode }, branch })
          .catch((e) => Promise.reject(asDomainError(e))),
      ),
    );
    for (const r of runs) {
      // a copy taken meanwhile is not the reader's problem: the reservation tries the next one
      if (r.outcome !== 'allowed' && !COPY_TAKEN.includes(r.outcome))
        throw new DomainError(r.outcome as ErrorCode, r.message ?? r.outcome);
    }
    const limits = runs.find((r) => r.limits)?.limits;
    if (limits && limits.openLoans + outstanding + firstCopies.length > limits.maxItems) {
      throw new DomainError(
        ErrorCode.TooManyItems,
        `${limits.openLoans} on loan and ${outstanding} ordered: ${firstCopies.length} more would pass the limit of ${limits.maxItems}`,
        {
          openLoans: limits.openLoans,
          ordered: outstanding,
          maxItems: limits.maxItems,
        },
      );
    }
  }

  /** Undo a failed placement: cancel the holds, forget the order. */
  private async release(orderId: string, reserved: OrderItemRow[]): Promise<void> {
    for (const r of reserved) {
      if (!r.holdId) continue;
      await this.circulation
        .cancelHold({ holdId: r.holdId, cancelledBy: 'patron' })
        .catch((e: Error) => this.logger.error(`order ${orderId}: could not cancel hold ${r.holdId}: ${e.message}`));
    }
    await this.orders
      .deleteOrder(orderId)
      .catch((e: Error) => this.logger.error(`order ${orderId}: could not delete the failed order: ${e.message}`));
  }
}

const invalid = (message: string) => new DomainError(ErrorCode.ValidationFailed, message);
const noCopy = (recordIds: string[]) =>
  new DomainError(ErrorCode.OrderNoCopyAvailable, `no copy can be ordered now for ${recordIds.join(', ')}`, {
    recordIds,
  });
