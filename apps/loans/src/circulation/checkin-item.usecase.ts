import { Injectable } from '@nestjs/common';
import { OutboxService } from '@app/common';
import { CheckinDto, CheckinResult, ItemStatus, LoanClosed, LoansCheckin } from '@app/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { ItemDirectory } from '../items/item-directory.service';
import { FineRow } from '../fines/fines.repository';
import { FinesService } from '../fines/fines.service';
import { LostItemsService } from '../fines/lost-items.service';
import { LoanEntity } from '../shared/loan.entity';
import { isHoldable } from '../holds/place-hold.usecase';
import { closeOpenLoanStep, LoanRepository } from '../shared/loan.repository';
import type { RoutingProbe } from '../holds/hold.repository';
import { isOverdue, toLoanEventData, toLoanView } from '../shared/loan.mapper';
import { ItemRoutingService, RoutedItem, Routing } from '../holds/item-routing.service';
import { IdempotencyService, OnceWrite, runPlanOnce } from '../shared/idempotency.service';
import { OfflinePolicyService } from '../shared/offline-policy.service';

/** Catalog statuses staff should notice when such an item turns up at a return desk or book drop. */
const ALERT_STATUSES: readonly ItemStatus[] = ['lost', 'missing', 'claimed_returned', 'withdrawn', 'damaged'];

/**
 * Checkin closes the open loan in one UPDATE and answers from the loan row (which carries title,
 * type and owning branch), so a return costs no catalog call. On the common path (on time, nothing
 * to route) it is two round trips: BEGIN + UPDATE + item lock + routing probe; outbox row + COMMIT. Only an item that was not on loan is
 * looked up, in loans' item projection (the catalog only without a row, for an unknown barcode, or when
 * the row's status would raise an alert), to tell "not on loan" from "unknown barcode".
 * Where the copy goes next (hold shelf, transit to a pickup branch or home, or stays: return
 * anywhere) is decided by ItemRoutingService in the same transaction as the return.
 */
@Injectable()
export class CheckinItemUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly items: ItemDirectory,
    private readonly loans: LoanRepository,
    private readonly outbox: OutboxService,
    private readonly fines: FinesService,
    private readonly lostItems: LostItemsService,
    private readonly routing: ItemRoutingService,
    private readonly idempotency: IdempotencyService,
    private readonly offline: OfflinePolicyService,
  ) {}

  /** With an idempotency key, the reply of a return is stored with it; a repeated key answers it again. */
  execute(dto: CheckinDto): Promise<CheckinResult> {
    return this.idempotency.run(LoansCheckin.subject, dto, (once) => this.checkin(dto, once));
  }

  private async checkin(dto: CheckinDto, once: OnceWrite | null): Promise<CheckinResult> {
    const now = new Date();
    const channel = dto.channel ?? 'api';
    // a back-dated return (SIP2 09 return date, book drop, offline upload): the loan closes and its
    // fine is computed as of then; where the copy goes next is decided now, as usual
    const returnedAt = this.offline.instant(dto.returnedAt, dto.item.agency, now, 'returnedAt');
    let fine: FineRow | null = null;
    let routed: Routing | null = null;
    let reply: CheckinResult | null = null;
    const closed = await this.dataSource.transaction(async (m) => {
      // one round trip (with the BEGIN): the UPDATE that closes the loan and returns it with its title,
      // then the item lock and the routing probe under it (unused when nothing was on loan), and with a
      // key its stored outcome (a retry of a committed return stops here, its UPDATE rolled back)
      const result = await runPlanOnce(
        m,
        {
          closed: closeOpenLoanStep(dto.item, returnedAt, dto.branch, channel),
          ...this.routing.stepsAfterReturn(dto.item, now),
        },
        once,
      );
      const loan = result.closed?.loan ?? null;
      if (!loan) return null;
      await this.outbox.add(m, LoanClosed, toLoanEventData(loan, dto.branch, channel), now);
      // an overdue fine is charged with the return, atomically (nothing is read when the loan was on time)
      fine = await this.fines.assessOverdue(m, loan, dto.branch, loan.returnedAt ?? returnedAt);
      // terminal profile: this checkin does not trap waiting holds (a copy already set aside still goes to its hold)
      const probe = dto.trapHolds === false ? { ...result.probe, waiting: false } : result.probe;
      routed = await this.routeReturn(m, loan, result.closed!.recordId, dto.branch, now, probe);
      if (routed) {
        reply = this.closedReply(loan, routed, fine, now);
        if (once) await once.record(m, reply);
      }
      return loan;
    });

    if (closed) {
      this.outbox.notifyCommitted();
      const charged = fine as FineRow | null;
      if (charged) await this.fines.afterCharged({ agency: closed.patronAgency, barcode: closed.patronBarcode });
      if (reply) return reply;
      return this.closedReply(closed, await this.routeOldLoan(closed, dto.branch, now), charged, now);
    }

    // ITEM_UNKNOWN for a barcode the catalog does not know; a row that would alert is confirmed first
    const item = await this.items.forCirculation(
      dto.item,
      (row) => !isHoldable(row) || ALERT_STATUSES.includes(row.status),
    );
    // a lost item turning up: its loan is marked found and an unpaid replacement fee waived
    const found = await this.lostItems.foundOnCheckin(dto.item, dto.branch, channel, now);
    const holdable = isHoldable(item) && dto.trapHolds !== false;
    const next = await this.routeNow(
      {
        item: dto.item,
        recordId: item.recordId,
        homeBranch: item.homeBranch,
        itemType: item.itemType,
        title: item.title,
        holdable,
      },
      dto.branch,
      now,
      true,
    );
    return {
      wasOnLoan: false,
      loan: null,
      item: {
        agency: item.agency,
        barcode: item.barcode,
        title: item.title,
        homeBranch: item.homeBranch,
        itemType: item.itemType,
      },
      ...routingFields(next),
      alerts: [
        ...(ALERT_STATUSES.includes(item.status) ? [`item_${item.status}`] : []),
        ...(found?.alerts ?? []),
        ...next.alerts,
      ],
    };
  }

  private closedReply(closed: LoanEntity, next: Routing, charged: FineRow | null, now: Date): CheckinResult {
    return {
      wasOnLoan: true,
      loan: toLoanView(closed, now),
      item: {
        agency: closed.itemAgency,
        barcode: closed.itemBarcode,
        title: closed.title,
        homeBranch: closed.owningBranch,
        itemType: closed.itemType,
      },
      ...routingFields(next),
      alerts: [...(isOverdue(closed, now) ? ['overdue'] : []), ...next.alerts],
      ...(charged
        ? { fine: { id: charged.id, amountFen: charged.amountFen, chargeableDays: charged.chargeableDays } }
        : {}),
    };
  }

  /** A loan closed in `m`: route from the loan row (no catalog call) when it knows its title. */
  private async routeReturn(
    m: EntityManager,
    loan: LoanEntity,
    recordId: string | null,
    here: string,
    at: Date,
    lockedProbe: RoutingProbe,
  ): Promise<Routing | null> {
    if (!recordId) return null;
    return this.routing.route(m, routedFromLoan(loan, recordId), here, at, { scanned: true, lockedProbe });
  }

  /** A loan from before titles were kept on loans: ask the item projection; when neither it nor the catalog knows, route without holds. */
  private async routeOldLoan(loan: LoanEntity, here: string, at: Date): Promise<Routing> {
    const recordId = await this.items
      .forCirculation({ agency: loan.itemAgency, barcode: loan.itemBarcode })
      .then((i) => i.recordId)
      .catch(() => null);
    return this.routeNow(routedFromLoan(loan, recordId), here, at, false);
  }

  private async routeNow(it: RoutedItem, here: string, at: Date, notOnLoan: boolean): Promise<Routing> {
    const routing = await this.dataSource.transaction(async (m) => {
      // lent in the meantime (after our checkin found no loan): a lent copy is not routed
      if (notOnLoan && (await this.loans.findOpenByItem(it.item, m))) return null;
      return this.routing.route(m, it, here, at);
    });
    this.outbox.notifyCommitted();
    return routing ?? { destination: here, transit: false, hold: null, sortBin: null, transitId: null, alerts: [] };
  }
}

const routedFromLoan = (loan: LoanEntity, recordId: string | null): RoutedItem => ({
  item: { agency: loan.itemAgency, barcode: loan.itemBarcode },
  recordId,
  homeBranch: loan.owningBranch,
  itemType: loan.itemType,
  title: loan.title,
  holdable: true,
});

const routingFields = (r: Routing) => ({
  destination: r.destination,
  transit: r.transit,
  hold: r.hold,
  sortBin: r.sortBin,
  transitId: r.transitId,
});
