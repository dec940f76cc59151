import { Injectable } from '@nestjs/common';
import { OutboxService, type PlanStep } from '@app/common';
import {
  CheckinHoldInfo,
  HoldReady,
  HoldTrapped,
  ItemRef,
  ItemStatusChanged,
  ItemStatusEventData,
  TransitEventData,
  TransitReason,
  TransitReceived,
  TransitStarted,
} from '@app/contracts';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { CalendarService } from '../calendar/calendar.service';
import { LoansEnvDto } from '../config/loans-env.dto';
import { addDays, localDate } from '@app/time';
import { HoldRepository, HoldRow, lockItemStep, RoutingProbe, routingProbeAfterReturnStep } from './hold.repository';
import { toCheckinHoldInfo, toHoldEventData } from './hold.mapper';
import { FloatingPolicyService } from '../transit/floating-policy.service';
import { TransitRepository, TransitRow } from '../transit/transit.repository';

/** What routing needs to know about a copy; from the loan row when it was on loan, else from the catalog. */
export interface RoutedItem {
  item: ItemRef;
  /** null only for loans made before record ids were kept (the caller then asks the catalog) */
  recordId: string | null;
  homeBranch: string;
  itemType: string;
  title: string;
  /** false for copies that must not fill holds (reference only, lost, withdrawn …) */
  holdable: boolean;
}

export interface Routing {
  destination: string;
  transit: boolean;
  hold: CheckinHoldInfo | null;
  sortBin: string | null;
  transitId: string | null;
  alerts: string[];
}

/** Sort bin of the hold shelf at the branch where the item is scanned. */
export const HOLD_SHELF_BIN = 'HOLDS';

/**
 * Decides where a copy goes next when it is scanned at a branch (checkin, transit receive) or comes
 * off a hold shelf (expiry, cancel), and records it: transit received or started, hold trapped or
 * ready, events for the notifier and the catalog. Order of precedence:
 *   1. an open transit to elsewhere is cancelled (the item is here now) and the decision made afresh;
 *      one to here is received;
 *   2. a copy already set aside for a hold goes to (or stays on) that hold's shelf;
 *   3. the first waiting hold it can fill traps it (shelf here, or transit to the pickup branch);
 *   4. otherwise it rests where the floating rules say: here, or its home branch (transit).
 * Runs inside the caller's transaction, under a per-item advisory lock.
 */
@Injectable()
export class ItemRoutingService {
  constructor(
    private readonly holds: HoldRepository,
    private readonly transits: TransitRepository,
    private readonly floating: FloatingPolicyService,
    private readonly outbox: OutboxService,
    private readonly env: LoansEnvDto,
    private readonly calendars: CalendarService,
  ) {}

  /**
   * Plan steps to send right after closeOpenLoanStep, in the same round trip: the item lock and the
   * routing probe under it (it takes the title from the close's `closedLoanRecord` hand-off); hand the
   * probe to route() as `lockedProbe`.
   */
  stepsAfterReturn(item: ItemRef, at: Date): { itemLock: PlanStep<void>; probe: PlanStep<RoutingProbe> } {
    return {
      itemLock: lockItemStep(item),
      probe: routingProbeAfterReturnStep(item, localDate(at, this.env.LIBRARY_TIMEZONE)),
    };
  }

  /**
   * `at` is the moment of the scan; events are stamped 1 ms later so the catalog applies them after
   * the loan-closed event of the same checkin (it keeps the newest status by time).
   * `scanned`: false when no one handled the copy (the expiry job), so shelf "pull" entries stay.
   * `offHoldShelf`: the copy's hold just ended on the shelf, so its catalog status must change.
   */
  async route(
    m: EntityManager,
    it: RoutedItem,
    here: string,
    at: Date,
    opts: { scanned: boolean; offHoldShelf?: boolean; lockedProbe?: RoutingProbe } = { scanned: true },
  ): Promise<Routing> {
    const stamp = new Date(at.getTime() + 1);
    // under the item lock, one statement says which of the look-ups below can find anything (usually
    // none of them); lock and probe go out in one round trip, or went out already with the caller's
    // statements (`lockedProbe`: taken under the item lock, for the copy's title)
    const probe = opts.lockedProbe
      ? { ...opts.lockedProbe, waiting: opts.lockedProbe.waiting && it.holdable && it.recordId !== null }
      : await this.holds.lockItemAndProbe(
          m,
          it.item,
          it.holdable ? it.recordId : null,
          localDate(at, this.env.LIBRARY_TIMEZONE),
        );
    if (opts.scanned && probe.shelfMarkers) await this.holds.clearShelfMarkers(m, it.item, at);

    const open = probe.openTransit ? await this.transits.findOpenByItem(m, it.item) : null;
    const ctx: RouteContext = { m, it, here, at, stamp, stale: null, probe };
    let arrived = false;
    if (open && open.toBranch === here) {
      await this.transits.receive(m, open.id, here, at);
      await this.outbox.add(m, TransitReceived, { ...transitEvent(open), receivedBranch: here }, stamp);
      arrived = true;
    } else if (open) {
      // it is somewhere else than where it was heading (a stop on the way, another book return, or
      // still in the outgoing bin): decide again from here; an identical decision keeps the transit
      ctx.stale = open;
    }
    const routing = await this.decide(ctx, arrived || !!opts.offHoldShelf);
    if (ctx.stale) await this.transits.cancel(m, ctx.stale.id);
    return routing;
  }

  /** `moved`: the catalog shows it elsewhere or on a hold shelf, so resting here must be said. */
  private async decide(ctx: RouteContext, moved: boolean): Promise<Routing> {
    const { m, it, here, at, stamp } = ctx;
    const tz = this.env.LIBRARY_TIMEZONE;

    const trapped = ctx.probe.trapped ? await this.holds.findTrappedByItem(m, it.item) : null;
    if (trapped) {
      if (trapped.pickupBranch === here) {
        if (trapped.status !== 'ready') await this.makeReady(m, trapped, here, at, stamp);
        return shelfRouting(here, toCheckinHoldInfo(trapped, tz));
      }
      // set aside for a hold, but not at its pickup branch (yet): send it there
      if (trapped.status === 'ready') {
        await this.holds.markInTransit(m, trapped.id, at);
        Object.assign(trapped, { status: 'in_transit', readyAt: null, pickupDeadline: null });
      }
      const transitId = await this.startTransit(ctx, trapped.pickupBranch, 'hold', trapped.id);
      return holdTransitRouting(trapped.pickupBranch, transitId, toCheckinHoldInfo(trapped, tz));
    }

    if (it.holdable && it.recordId && ctx.probe.waiting) {
      const next = await this.holds.firstWaitingFor(m, it.item, it.recordId, localDate(at, tz));
      if (next) return this.trapFor(ctx, next);
    }

    const destination = await this.floating.restingPlace(
      { agency: it.item.agency, itemType: it.itemType, homeBranch: it.homeBranch },
      here,
      m,
    );
    if (destination !== here) {
      const transitId = await this.startTransit(ctx, destination, 'home', null);
      return { destination, transit: true, hold: null, sortBin: destination, transitId, alerts: [] };
    }
    // an arrival (or a copy whose transit was abandoned here, or off a hold shelf) is back on the
    // open shelf; a plain return already said so through loan-closed
    if (moved || ctx.stale) await this.itemStatus(m, it.item, 'available', here, stamp, {});
    return { destination: here, transit: false, hold: null, sortBin: null, transitId: null, alerts: [] };
  }

  /**
   * The end of the local day `HOLD_SHELF_DAYS` after `at`, moved to the pickup branch's next open day
   * (a patron cannot collect on a day the branch is closed; lockers are always open).
   */
  async pickupDeadline(m: EntityManager, at: Date, pickupBranch: string): Promise<Date> {
    const nominal = addDays(localDate(at, this.env.LIBRARY_TIMEZONE), this.env.HOLD_SHELF_DAYS);
    return (await this.calendars.dueOnOrAfter(nominal, pickupBranch, m)).dueAt;
  }

  private async trapFor(ctx: RouteContext, hold: HoldRow): Promise<Routing> {
    const { m, it, here, at, stamp } = ctx;
    const tz = this.env.LIBRARY_TIMEZONE;
    const target = { item: it.item, homeBranch: it.homeBranch, itemType: it.itemType };
    Object.assign(hold, {
      trappedItemAgency: it.item.agency,
      trappedItemBarcode: it.item.barcode,
      trappedHomeBranch: it.homeBranch,
      trappedItemType: it.itemType,
      trappedAt: at,
    });
    if (hold.pickupBranch === here) {
      const deadline = await this.pickupDeadline(m, at, here);
      await this.holds.trap(m, hold.id, target, at, deadline);
      Object.assign(hold, { status: 'ready', readyAt: at, pickupDeadline: deadline });
      await this.outbox.add(m, HoldReady, toHoldEventData(hold, tz), stamp);
      await this.itemStatus(m, it.item, 'on_hold_shelf', here, stamp, { holdId: hold.id });
      return shelfRouting(here, toCheckinHoldInfo(hold, tz));
    }
    await this.holds.trap(m, hold.id, target, at, null);
    hold.status = 'in_transit';
    await this.outbox.add(m, HoldTrapped, toHoldEventData(hold, tz), stamp);
    const transitId = await this.startTransit(ctx, hold.pickupBranch, 'hold', hold.id);
    return holdTransitRouting(hold.pickupBranch, transitId, toCheckinHoldInfo(hold, tz));
  }

  private async makeReady(m: EntityManager, hold: HoldRow, here: string, at: Date, stamp: Date): Promise<void> {
    const deadline = await this.pickupDeadline(m, at, here);
    await this.holds.markReady(m, hold.id, at, deadline);
    Object.assign(hold, { status: 'ready', readyAt: at, pickupDeadline: deadline });
    await this.outbox.add(m, HoldReady, toHoldEventData(hold, this.env.LIBRARY_TIMEZONE), stamp);
    await this.itemStatus(
      m,
      { agency: hold.trappedItemAgency!, barcode: hold.trappedItemBarcode! },
      'on_hold_shelf',
      here,
      stamp,
      { holdId: hold.id },
    );
  }

  private async startTransit(
    ctx: RouteContext,
    to: string,
    reason: TransitReason,
    holdId: string | null,
  ): Promise<string> {
    const { m, it, here: from, at, stamp } = ctx;
    const stale = ctx.stale;
    if (stale) {
      ctx.stale = null;
      // rescanned where it already waits to leave, with the same destination: nothing changes
      if (stale.fromBranch === from && stale.toBranch === to && stale.reason === reason && stale.holdId === holdId)
        return stale.id;
      await this.transits.cancel(m, stale.id); // one open transit per item (transits_open_item_key)
    }
    const row = {
      id: randomUUID(),
      itemAgency: it.item.agency,
      itemBarcode: it.item.barcode,
      title: it.title,
      fromBranch: from,
      toBranch: to,
      reason,
      holdId,
      sentAt: at,
    };
    await this.transits.insert(m, row);
    await this.outbox.add(m, TransitStarted, transitEvent(row), stamp);
    await this.itemStatus(m, it.item, 'in_transit', from, stamp, {
      destination: to,
      transitId: row.id,
      ...(holdId ? { holdId } : {}),
    });
    return row.id;
  }

  private async itemStatus(
    m: EntityManager,
    item: ItemRef,
    status: ItemStatusEventData['status'],
    location: string,
    stamp: Date,
    extra: Partial<ItemStatusEventData>,
  ): Promise<void> {
    await this.outbox.add(
      m,
      ItemStatusChanged,
      { item: { agency: item.agency, barcode: item.barcode }, status, location, ...extra },
      stamp,
    );
  }
}

const shelfRouting = (here: string, hold: CheckinHoldInfo): Routing => ({
  destination: here,
  transit: false,
  hold,
  sortBin: HOLD_SHELF_BIN,
  transitId: null,
  alerts: ['hold_shelf'],
});

const holdTransitRouting = (pickup: string, transitId: string, hold: CheckinHoldInfo): Routing => ({
  destination: pickup,
  transit: true,
  hold,
  sortBin: pickup,
  transitId,
  alerts: ['hold_transit'],
});

interface RouteContext {
  m: EntityManager;
  it: RoutedItem;
  here: string;
  at: Date;
  stamp: Date;
  /** an open transit to elsewhere, cancelled unless the new decision is the same move */
  stale: TransitRow | null;
  /** which look-ups can find anything (taken under the item lock) */
  probe: RoutingProbe;
}

const transitEvent = (t: {
  id: string;
  itemAgency: string;
  itemBarcode: string;
  fromBranch: string;
  toBranch: string;
  reason: TransitReason;
  holdId: string | null;
}): TransitEventData => ({
  transitId: t.id,
  item: { agency: t.itemAgency, barcode: t.itemBarcode },
  fromBranch: t.fromBranch,
  toBranch: t.toBranch,
  reason: t.reason,
  ...(t.holdId ? { holdId: t.holdId } : {}),
});
