import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ItemRoutingService, Routing } from './item-routing.service';
import { HoldRepository, HoldRow } from './hold.repository';

/**
 * A hold that ended while its copy sat on the hold shelf (expired, cancelled) frees the copy: it is
 * set aside at once for the next hold in the queue (same shelf: relabel it; another branch: a
 * transit), or goes where the floating rules say. Runs in the caller's transaction.
 */
@Injectable()
export class HoldReleaseService {
  constructor(
    private readonly holds: HoldRepository,
    private readonly routing: ItemRoutingService,
  ) {}

  async release(m: EntityManager, ended: HoldRow, at: Date): Promise<Routing> {
    const routing = await this.routing.route(
      m,
      {
        item: { agency: ended.trappedItemAgency!, barcode: ended.trappedItemBarcode! },
        recordId: ended.recordId,
        homeBranch: ended.trappedHomeBranch ?? ended.pickupBranch,
        itemType: ended.trappedItemType ?? 'book',
        title: ended.title,
        holdable: true,
      },
      ended.pickupBranch,
      at,
      { scanned: false, offHoldShelf: true },
    );
    // re-trapped on the same shelf: nothing to pull, the new hold's entry replaces this one
    if (routing.hold?.status === 'ready' && routing.destination === ended.pickupBranch)
      await this.holds.markShelfCleared(m, ended.id, at);
    return routing;
  }
}
