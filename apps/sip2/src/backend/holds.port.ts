import { Injectable } from '@nestjs/common';
import { ExactlyOnceWriter, NatsRpcClient } from '@app/common';
import { Sip2WriterService } from './sip2-writer.service';
import {
  CancelHoldDto,
  HoldView,
  ListHoldsDto,
  LoansHoldsCancel,
  LoansHoldsList,
  LoansHoldsPlace,
  Page,
  PlaceHoldDto,
} from '@app/contracts';
import type { Ref } from './circulation-backend';

export interface PlaceHoldRequest {
  patron: Ref;
  /** item-level hold (AB) … */
  item?: Ref;
  /** … or title-level hold (a catalog record id) */
  recordId?: string;
  pickupBranch: string;
  /** local date YYYY-MM-DD (from BW) */
  notNeededAfter?: string;
  /** AD, verified by the loans service */
  pin?: string;
  /** `sip2:<terminal>`: keys the wrong-PIN throttle */
  pinOrigin?: string;
  idempotencyKey?: string;
}

/**
 * Everything SIP2 says about holds goes through this one port (the loans service's `loans.holds.*`):
 * 15 Hold (place, cancel), 63/64 AS/CD lists and counts, 17/18 CF queue length and status.
 * The checkin alert (10 CV/CY) comes with the CheckinResult itself, not from here.
 * Errors are thrown as RemoteError with the loans service's stable code.
 */
export interface HoldsPort {
  place(req: PlaceHoldRequest): Promise<HoldView>;
  /** cancel one of the patron's holds (someone else's hold answers HOLD_NOT_FOUND) */
  cancel(patron: Ref, holdId: string, idempotencyKey?: string): Promise<HoldView>;
  /** the patron's active holds (waiting, in transit, ready), newest first */
  patronHolds(patron: Ref, limit: number): Promise<Page<HoldView>>;
  /** active holds queued on an item: its own and the title-level holds on its record (`total` = CF) */
  /** `recordId`: the item's record when already known (spares loans a catalog look-up) */
  itemQueue(item: Ref, limit: number, recordId?: string): Promise<Page<HoldView>>;
}

/** One NATS request per call, each with the client's timeout. */
@Injectable()
export class NatsHoldsPort implements HoldsPort {
  private readonly writer: ExactlyOnceWriter;

  constructor(
    private readonly rpc: NatsRpcClient,
    writers: Sip2WriterService,
  ) {
    this.writer = writers.writer;
  }

  place(req: PlaceHoldRequest): Promise<HoldView> {
    const dto: PlaceHoldDto = {
      patron: req.patron,
      ...(req.item ? { item: req.item } : { recordId: req.recordId }),
      pickupBranch: req.pickupBranch,
      ...(req.notNeededAfter ? { notNeededAfter: req.notNeededAfter } : {}),
      ...(req.pin !== undefined ? { pin: req.pin, ...(req.pinOrigin ? { pinOrigin: req.pinOrigin } : {}) } : {}),
      placedBy: 'patron',
      channel: 'sip2',
      ...(req.idempotencyKey ? { idempotencyKey: req.idempotencyKey } : {}),
    };
    return this.writer.write(LoansHoldsPlace, dto);
  }

  cancel(patron: Ref, holdId: string, idempotencyKey?: string): Promise<HoldView> {
    const dto: CancelHoldDto = { holdId, patron, cancelledBy: 'patron', ...(idempotencyKey ? { idempotencyKey } : {}) };
    return this.writer.write(LoansHoldsCancel, dto);
  }

  patronHolds(patron: Ref, limit: number): Promise<Page<HoldView>> {
    const dto: ListHoldsDto = { patron, status: 'active', limit: clamp(limit) };
    return this.rpc.call(LoansHoldsList, dto);
  }

  itemQueue(item: Ref, limit: number, recordId?: string): Promise<Page<HoldView>> {
    const dto: ListHoldsDto = {
      item,
      ...(recordId ? { itemRecordId: recordId } : {}),
      status: 'active',
      limit: clamp(limit),
    };
    return this.rpc.call(LoansHoldsList, dto);
  }
}

const clamp = (n: number) => Math.max(1, Math.min(500, Math.trunc(n)));

export const HOLDS_PORT = Symbol('HOLDS_PORT');
