import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import {
  BranchHoldsDto,
  ErrorCode,
  HoldShelf,
  HoldView,
  ItemView,
  ListHoldsDto,
  Page,
  PickList,
  PickListEntry,
} from '@app/contracts';
import { CatalogClient } from '../shared/catalog.client';
import { LoansEnvDto } from '../config/loans-env.dto';
import { localDate } from '@app/time';
import { PickupLocationsService } from './pickup-locations.service';
import { CatalogHoldingsClient } from './catalog-holdings.client';
import { toHoldView, toShelfEntry } from './hold.mapper';
import { HoldRow } from './hold.repository';
import { HoldListRepository } from './hold-list.repository';
import { allocateCopies } from './pick-list';
import { isHoldable } from './place-hold.usecase';

const CATALOG_CONCURRENCY = 8;

/** Read side of holds: lists, the hold shelf and the pick list of a branch. */
@Injectable()
export class HoldQueryService {
  constructor(
    private readonly holds: HoldListRepository,
    private readonly catalog: CatalogClient,
    private readonly holdings: CatalogHoldingsClient,
    private readonly branches: PickupLocationsService,
    private readonly env: LoansEnvDto,
  ) {}

  async list(dto: ListHoldsDto): Promise<Page<HoldView>> {
    const given = [dto.patron, dto.recordId, dto.item].filter((v) => v !== undefined).length;
    if (given !== 1) throw new DomainError(ErrorCode.ValidationFailed, 'give exactly one of patron, recordId and item');
    const limit = dto.limit ?? 50;
    const offset = dto.offset ?? 0;
    // an item's queue includes the title-level holds on its record
    const itemRecordId = dto.item ? (dto.itemRecordId ?? (await this.catalog.getItem(dto.item)).recordId) : undefined;
    const [rows, total] = await this.holds.list(
      { patron: dto.patron, recordId: dto.recordId, item: dto.item, itemRecordId },
      dto.status ?? 'active',
      limit,
      offset,
    );
    return { items: rows.map((h) => toHoldView(h, this.env.LIBRARY_TIMEZONE)), total, limit, offset };
  }

  async shelf(dto: BranchHoldsDto): Promise<HoldShelf> {
    const limit = dto.limit ?? 100;
    const offset = dto.offset ?? 0;
    const now = new Date();
    const [rows, total] = await this.holds.shelf(dto.branch, limit, offset);
    const items = rows.map((h) => toShelfEntry(h, now, this.env.LIBRARY_TIMEZONE));
    return { branch: dto.branch, items, total, expired: items.filter((e) => e.expired).length, limit, offset };
  }

  /**
   * Copies on the open shelves of `branch` to pull for waiting holds. Walks the agency's titles with
   * waiting holds (oldest first, `limit` titles per page), asks the catalog for their copies, drops
   * copies that are out, set aside or travelling, and assigns copies to holds the same way for every
   * branch (see allocateCopies), keeping the ones at this branch.
   */
  async pickList(dto: BranchHoldsDto): Promise<PickList> {
    const branch = await this.branches.find(dto.branch);
    if (!branch) throw new DomainError(ErrorCode.BranchUnknown, `branch ${dto.branch} is not registered`);
    const today = localDate(new Date(), this.env.LIBRARY_TIMEZONE);
    const recordIds = await this.holds.titlesWaiting(branch.agency, today, dto.limit ?? 50, dto.offset ?? 0);
    const waiting = await this.holds.waitingForTitles(branch.agency, recordIds, today);
    const byRecord = new Map<string, HoldRow[]>();
    for (const h of waiting) byRecord.set(h.recordId, [...(byRecord.get(h.recordId) ?? []), h]);

    const copies = new Map<string, ItemView[]>();
    for (let i = 0; i < recordIds.length; i += CATALOG_CONCURRENCY) {
      const chunk = recordIds.slice(i, i + CATALOG_CONCURRENCY);
      const found = await Promise.all(chunk.map((id) => this.holdings.copies(id, branch.agency)));
      chunk.forEach((id, k) =>
        copies.set(
          id,
          found[k].filter((c) => isHoldable(c) && c.status === 'available'),
        ),
      );
    }
    // the catalog's status mirrors loans with a lag: the loans tables decide what is really free
    const busy = await this.holds.unavailableAmong([...copies.values()].flat());

    const items: PickListEntry[] = [];
    for (const recordId of recordIds) {
      const free = (copies.get(recordId) ?? []).filter((c) => !busy.has(`${c.agency}/${c.barcode}`));
      for (const { hold, copy } of allocateCopies(byRecord.get(recordId) ?? [], free)) {
        if (copy.currentLocation !== branch.code) continue;
        items.push({
          item: { agency: copy.agency, barcode: copy.barcode },
          title: copy.title,
          recordId,
          shelfLocation: copy.shelfLocation,
          clcCallNumber: copy.clcCallNumber,
          hold: {
            id: hold.id,
            patron: { agency: hold.patronAgency, barcode: hold.patronBarcode },
            pickupBranch: hold.pickupBranch,
            placedAt: hold.placedAt.toISOString(),
            priority: hold.priority,
          },
        });
      }
    }
    return { branch: branch.code, items, titlesExamined: recordIds.length };
  }

  /** For the patron summary: active holds (one index lookup). */
  countActive(patron: { agency: string; barcode: string }): Promise<number> {
    return this.holds.countActiveForPatron(patron);
  }
}
