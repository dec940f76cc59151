import { Injectable } from '@nestjs/common';
import { DomainError, OutboxService } from '@app/common';
import { CancelHoldDto, ErrorCode, HoldCancelled, HoldView, LoansHoldsCancel } from '@app/contracts';
import { IdempotencyService, OnceWrite } from '../shared/idempotency.service';
import { DataSource } from 'typeorm';
import { LoansEnvDto } from '../config/loans-env.dto';
import { toHoldEventData, toHoldView } from './hold.mapper';
import { HoldReleaseService } from './hold-release.service';
import { HoldRepository } from './hold.repository';

/**
 * Cancel an active hold. A copy waiting on the shelf is released to the next hold at once; a copy
 * in transit keeps travelling and is routed afresh when it arrives.
 */
@Injectable()
export class CancelHoldUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly holds: HoldRepository,
    private readonly release: HoldReleaseService,
    private readonly outbox: OutboxService,
    private readonly env: LoansEnvDto,
    private readonly idempotency: IdempotencyService,
  ) {}

  /** With an idempotency key the reply is stored with the cancellation; a retry answers it again. */
  execute(dto: CancelHoldDto): Promise<HoldView> {
    return this.idempotency.run(LoansHoldsCancel.subject, dto, (once) => this.cancel(dto, once));
  }

  private async cancel(dto: CancelHoldDto, once: OnceWrite | null): Promise<HoldView> {
    const tz = this.env.LIBRARY_TIMEZONE;
    const notFound = () => new DomainError(ErrorCode.HoldNotFound, `hold ${dto.holdId} not found`);
    const first = await this.holds.findById(dto.holdId);
    // another patron's hold id is "not found" to a patron-facing caller: it tells them nothing
    if (
      !first ||
      (dto.patron && (first.patronAgency !== dto.patron.agency || first.patronBarcode !== dto.patron.barcode))
    )
      throw notFound();
    const by = dto.cancelledBy ?? (dto.patron ? 'patron' : 'staff');
    const now = new Date();

    const reply = await this.dataSource.transaction(async (m) => {
      // same lock order as checkin/checkout: the item first, then the hold row
      if (first.trappedItemBarcode)
        await this.holds.lockItem(m, { agency: first.trappedItemAgency!, barcode: first.trappedItemBarcode });
      const h = await this.holds.findById(dto.holdId, m, true);
      if (!h) throw notFound();
      if (!['waiting', 'in_transit', 'ready'].includes(h.status)) {
        throw new DomainError(ErrorCode.HoldNotCancellable, `hold ${h.id} is already ${h.status}`, {
          status: h.status,
        });
      }
      const wasOnShelf = h.status === 'ready';
      const reason = by === 'patron' ? 'cancelled_by_patron' : 'cancelled_by_staff';
      await this.holds.end(m, h.id, 'cancelled', reason, now, wasOnShelf);
      Object.assign(h, { status: 'cancelled', endReason: reason, endedAt: now });
      await this.outbox.add(m, HoldCancelled, toHoldEventData(h, tz), now);
      if (wasOnShelf) await this.release.release(m, h, now);
      if (!once) return null;
      const view = toHoldView((await this.holds.findById(dto.holdId, m))!, tz);
      await once.record(m, view);
      return view;
    });
    this.outbox.notifyCommitted();
    return reply ?? toHoldView((await this.holds.findById(dto.holdId))!, tz);
  }
}
