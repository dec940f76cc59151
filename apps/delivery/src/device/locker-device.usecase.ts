import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import {
  CompartmentView,
  DeliveryEventSubjects,
  DepositResult,
  DeviceDepositDto,
  DeviceDoorClosedDto,
  DeviceHeartbeatDto,
  DeviceHeartbeatResult,
  DevicePickupDto,
  DeviceReturnDto,
  DeviceReturnResult,
  ErrorCode,
  PickupDecision,
} from '@app/contracts';
import { EntityManager } from 'typeorm';
import { asDomainError, CirculationClient } from '../clients/circulation.client';
import { DeliveryEnvDto } from '../config/delivery-env.dto';
import { LockerRepository, LockerRow } from '../lockers/locker.repository';
import { OrderJournal } from '../orders/order-journal.service';
import { OrderStepsUseCase, stepInvalid } from '../orders/order-steps.usecase';
import { OrderRepository, OrderRow } from '../orders/order.repository';
import { IdempotentRequests } from '../shared/idempotent-requests.service';
import { hashPickupCode, newPickupCode, sealCode, verifyPickupCode } from '../shared/pickup-code';

/** parcels of more books than this need a large compartment */
const SMALL_PARCEL_BOOKS = 2;

/**
 * What a locker controller does: deposit a parcel, ask whether a pickup code opens a door, report a
 * closed door, take a return. Each call is idempotent on its request id and written to the timeline.
 */
@Injectable()
export class LockerDeviceUseCase {
  constructor(
    private readonly orders: OrderRepository,
    private readonly lockers: LockerRepository,
    private readonly journal: OrderJournal,
    private readonly steps: OrderStepsUseCase,
    private readonly requests: IdempotentRequests,
    private readonly circulation: CirculationClient,
    private readonly env: DeliveryEnvDto,
  ) {}

  /**
   * The controller is alive. Every device call counts (the delivery controller records one before each);
   * a site whose controller called before and then went quiet is "silent" (LockerRepository).
   */
  async heartbeat(dto: DeviceHeartbeatDto): Promise<DeviceHeartbeatResult> {
    const seen = await this.lockers.seen(dto.locker);
    if (!seen) throw new DomainError(ErrorCode.LockerUnknown, `locker ${dto.locker} is not registered`);
    return { locker: dto.locker, lastSeenAt: seen.lastSeenAt.toISOString(), online: seen.online };
  }

  deposit(dto: DeviceDepositDto): Promise<DepositResult> {
    return this.requests.run(dto.requestId, `device.deposit/${dto.locker}/${dto.orderId}`, dto.actor, async (m) => {
      const now = new Date();
      const locker = await this.locker(m, dto.locker);
      const order = await this.orders.find(dto.orderId, m, true);
      if (!order || order.lockerCode !== locker.code)
        throw new DomainError(ErrorCode.OrderNotFound, `no parcel ${dto.orderId} for locker ${locker.code}`);
      if (!['dispatched', 'awaiting_compartment'].includes(order.status)) throw stepInvalid('deposit', order);
      const books = (await this.orders.items([order.id], m)).filter((i) => i.state === 'reserved').length;
      const compartment = await this.lockers.claimFree(
        m,
        locker.code,
        books > SMALL_PARCEL_BOOKS ? 'L' : 'S',
        order.id,
      );
      const actor = { ...dto.actor, location: locker.code };
      if (compartment === null) {
        // a full locker does not lose the parcel: it waits at the locker's branch for the next run
        if (order.status !== 'awaiting_compartment') {
          order.status = 'awaiting_compartment';
          await this.orders.update(m, order.id, { status: order.status }, now);
          await this.journal.record(m, order, 'locker_full', actor, now, { detail: { waitsAt: locker.branch } });
        }
        return { orderId: order.id, status: 'awaiting_compartment', compartment: null, pickupDeadline: null };
      }
      const deadline = new Date(now.getTime() + locker.pickupHours * 3_600_000);
      const sealedCode = await this.issueCode(
        m,
        order,
        { status: 'in_locker', compartment, pickupDeadline: deadline },
        now,
      );
      await this.journal.record(m, order, 'deposited', actor, now, {
        detail: { compartment, pickupDeadline: deadline.toISOString() },
        event: DeliveryEventSubjects.parcelReady,
        extra: { sealedCode },
      });
      return { orderId: order.id, status: 'in_locker', compartment, pickupDeadline: deadline.toISOString() };
    });
  }

  /**
   * The door decision. The card names the reader, the code proves it; a wrong code counts against every
   * parcel of the reader in this locker and locks them at PICKUP_CODE_MAX_FAILURES. The right code opens
   * the door only if every book in the compartment can be lent (the loans dry run: blocks, fines, limits);
   * then each is checked out with channel `locker` and the code is spent.
   */
  pickup(dto: DevicePickupDto): Promise<PickupDecision> {
    return this.requests.run(dto.requestId, `device.pickup/${dto.locker}`, dto.actor, async (m) => {
      const now = new Date();
      const locker = await this.locker(m, dto.locker);
      const actor = { ...dto.actor, location: locker.code };
      const parcels = await this.orders.inLockerFor(m, locker.code, dto.patron);
      const usable = parcels.filter((p) => p.codeHash && !p.codeLocked && (!p.codeExpiresAt || p.codeExpiresAt > now));
      let match: OrderRow | null = null;
      for (const p of usable) if (await verifyPickupCode(dto.code, p.codeHash!)) match = match ?? p;
      if (!match) {
        if (usable.length === 0) {
          const locked = parcels.some((p) => p.codeLocked);
          const reason = locked
            ? ErrorCode.PickupCodeLocked
            : parcels.length > 0
              ? ErrorCode.PickupCodeExpired
              : ErrorCode.PickupCodeInvalid;
          return shut(
            reason,
            locked
              ? 'the pickup code is locked after too many wrong attempts: ask for a new code'
              : 'no parcel waits here for this card',
            null,
            0,
          );
        }
        let failures = 0;
        for (const p of usable) {
          p.codeFailures++;
          failures = Math.max(failures, p.codeFailures);
          const locks = p.codeFailures >= this.env.PICKUP_CODE_MAX_FAILURES;
          p.codeLocked = locks;
          await this.orders.update(m, p.id, { codeFailures: p.codeFailures, codeLocked: locks }, now);
          await this.journal.record(m, p, locks ? 'code_locked' : 'wrong_code', actor, now, {
            detail: { failedAttempts: p.codeFailures },
            ...(locks ? { event: DeliveryEventSubjects.pickupCodeLocked } : {}),
          });
        }
        const left = Math.max(0, this.env.PICKUP_CODE_MAX_FAILURES - failures);
        return shut(
          left === 0 ? ErrorCode.PickupCodeLocked : ErrorCode.PickupCodeInvalid,
          left === 0 ? 'wrong code; the code is now locked' : 'wrong code',
          failures,
          left,
        );
      }

      // the block check for everything in the compartment, before the door opens
      const books = (await this.orders.items([match.id], m)).filter((i) => i.state === 'reserved');
      const patron = { agency: match.patronAgency, barcode: match.patronBarcode };
      const runs = await Promise.all(
        books.map((b) =>
          this.circulation
            .dryRun({ patron, item: { agency: b.itemAgency, barcode: b.itemBarcode }, branch: locker.code })
            .catch((e) => Promise.reject(asDomainError(e))),
        ),
      );
      const refusal = runs.find((r) => r.outcome !== 'allowed');
      if (refusal) {
        await this.journal.record(m, match, 'refused_at_door', actor, now, { detail: { reason: refusal.outcome } });
        return {
          ...shut(
            refusal.outcome,
            refusal.message ?? refusal.outcome,
            match.codeFailures,
            this.env.PICKUP_CODE_MAX_FAILURES - match.codeFailures,
          ),
          orderId: match.id,
        };
      }
      const loans = await this.steps.lendAll(m, match, 'locker', locker.code);
      match.status = 'collected';
      await this.orders.update(m, match.id, { status: 'collected', codeHash: null }, now);
      await this.lockers.setCompartment(m, locker.code, match.compartment!, 'open', match.id);
      await this.journal.record(m, match, 'collected', actor, now, {
        detail: { compartment: match.compartment, loans },
        event: DeliveryEventSubjects.parcelCollected,
      });
      return {
        door: 'open',
        compartment: match.compartment,
        orderId: match.id,
        reason: null,
        message: null,
        failedAttempts: match.codeFailures,
        attemptsLeft: null,
        loans,
      };
    });
  }

  doorClosed(dto: DeviceDoorClosedDto): Promise<CompartmentView> {
    return this.requests.run(
      dto.requestId,
      `device.door-closed/${dto.locker}/${dto.compartment}`,
      dto.actor,
      async (m) => {
        const now = new Date();
        await this.locker(m, dto.locker);
        // the order first, then the compartment: the lock order of a pickup
        const seen = (await this.lockers.compartments(dto.locker)).find((x) => x.number === dto.compartment);
        const order = seen?.orderId ? await this.orders.find(seen.orderId, m, true) : null;
        const c = await this.lockers.findCompartment(m, dto.locker, dto.compartment);
        if (!c)
          throw new DomainError(
            ErrorCode.CompartmentNotFound,
            `locker ${dto.locker} has no compartment ${dto.compartment}`,
          );
        if (c.state === 'open') {
          // emptied by its reader: free for the next parcel
          await this.lockers.setCompartment(m, dto.locker, dto.compartment, 'free', null);
          if (order && order.id === c.orderId)
            await this.journal.record(m, order, 'door_closed', { ...dto.actor, location: dto.locker }, now, {
              detail: { compartment: dto.compartment },
            });
          return { ...c, state: 'free', orderId: null };
        }
        return c;
      },
    );
  }

  /** A book dropped into a locker: a checkin at the locker's location (then transit home as usual). */
  returnItem(dto: DeviceReturnDto): Promise<DeviceReturnResult> {
    return this.requests.run(
      dto.requestId,
      `device.return/${dto.locker}/${dto.item.agency}/${dto.item.barcode}`,
      dto.actor,
      async (m) => {
        const now = new Date();
        const locker = await this.locker(m, dto.locker);
        // locked before the checkin, so the loans-event consumer waits for this answer instead of racing it
        const lent = await this.orders.lockLoanedItem(m, dto.item);
        let res;
        try {
          res = await this.circulation.checkin({ item: dto.item, branch: locker.code, channel: 'locker' });
        } catch (err) {
          throw asDomainError(err);
        }
        let orderId: string | null = null;
        if (lent && res.wasOnLoan && res.loan?.id === lent.loanId) {
          orderId = lent.orderId;
          await this.orders.setItemReturned(m, lent.orderId, lent.position);
          const order = (await this.orders.find(lent.orderId, m))!;
          await this.journal.record(m, order, 'item_returned', { ...dto.actor, location: locker.code }, now, {
            detail: { item: dto.item, destination: res.destination, transit: res.transit },
          });
        }
        return {
          item: dto.item,
          locker: locker.code,
          orderId,
          destination: res.destination,
          transit: res.transit,
          sortBin: res.sortBin ?? null,
        };
      },
    );
  }

  /** New single-use code (deposit, or a re-issue after a lock): hashed at rest, sealed into the event for the notice. */
  async issueCode(m: EntityManager, order: OrderRow, patch: Partial<OrderRow>, now: Date): Promise<string> {
    const code = newPickupCode();
    const key = await this.lockers.sealKey();
    const deadline = patch.pickupDeadline ?? order.pickupDeadline;
    Object.assign(order, patch, {
      codeHash: await hashPickupCode(code),
      codeExpiresAt: deadline,
      codeFailures: 0,
      codeLocked: false,
    });
    await this.orders.update(
      m,
      order.id,
      { ...patch, codeHash: order.codeHash, codeExpiresAt: deadline, codeFailures: 0, codeLocked: false },
      now,
    );
    return sealCode(code, key);
  }

  private async locker(m: EntityManager, code: string): Promise<LockerRow> {
    const l = await this.lockers.find(code, m);
    if (!l) throw new DomainError(ErrorCode.LockerUnknown, `locker ${code} is not registered`);
    return l;
  }
}

function shut(
  reason: string,
  message: string,
  failedAttempts: number | null,
  attemptsLeft: number | null,
): PickupDecision {
  return { door: 'shut', compartment: null, orderId: null, reason, message, failedAttempts, attemptsLeft, loans: [] };
}
