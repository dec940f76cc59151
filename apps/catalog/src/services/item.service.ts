import { Injectable } from '@nestjs/common';
import { DomainError, OutboxService } from '@app/common';
import {
  CreateItemDto,
  ErrorCode,
  ItemCirculationPage,
  ItemCirculationPageDto,
  ItemCirculationState,
  ItemCreated,
  ItemEventData,
  ItemRefDto,
  ItemUpdated,
  ItemView,
  Page,
  SearchItemsDto,
  UpdateItemDto,
} from '@app/contracts';
import { DataSource } from 'typeorm';
import { ItemEntity } from '../entities/item.entity';
import { ItemRepository } from '../repositories/item.repository';
import { RecordRepository } from '../repositories/record.repository';
import { toItemView } from './catalog.mapper';
import { collapseStatusChanges, ItemStatusChange } from './item-status-changes';
import { LocationService } from './location.service';

@Injectable()
export class ItemService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly items: ItemRepository,
    private readonly records: RecordRepository,
    private readonly locations: LocationService,
    private readonly outbox: OutboxService,
  ) {}

  async create(dto: CreateItemDto): Promise<ItemView> {
    const record = await this.records.findById(dto.recordId);
    if (!record) throw new DomainError(ErrorCode.NotFound, `record ${dto.recordId} not found`);
    await this.locations.requireBranch(dto.homeBranch);
    if (dto.currentLocation) await this.locations.requireBranch(dto.currentLocation);
    const existing = await this.items.findByRef(dto.agency, dto.barcode);
    if (existing) throw new DomainError(ErrorCode.Conflict, `item ${dto.agency}/${dto.barcode} already exists`);
    const item = await this.dataSource.transaction(async (m) => {
      const created = await this.items.insert(m, {
        agency: dto.agency,
        barcode: dto.barcode,
        recordId: dto.recordId,
        itemType: dto.itemType,
        homeBranch: dto.homeBranch,
        currentLocation: dto.currentLocation ?? dto.homeBranch,
        shelfLocation: dto.shelfLocation ?? null,
        status: dto.status ?? 'available',
        loanable: dto.loanable ?? dto.itemType !== 'reference',
        priceFen: dto.priceFen ?? null,
        suppressed: dto.suppressed ?? false,
        statusChangedAt: new Date(),
        version: 1,
      });
      await this.outbox.add(m, ItemCreated, itemEventData(created, record.title));
      return created;
    });
    this.outbox.notifyCommitted();
    return toItemView(item, record);
  }

  async update(dto: UpdateItemDto): Promise<ItemView> {
    if (dto.homeBranch) await this.locations.requireBranch(dto.homeBranch);
    if (dto.currentLocation) await this.locations.requireBranch(dto.currentLocation);
    await this.dataSource.transaction(async (m) => {
      const item = await this.items.lockByRef(m, dto.agency, dto.barcode);
      if (!item) throw new DomainError(ErrorCode.ItemUnknown, `item ${dto.agency}/${dto.barcode} not found`);
      const { agency: _a, barcode: _b, ...changes } = dto;
      const statusChanged = changes.status !== undefined && changes.status !== item.status;
      Object.assign(item, Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)));
      if (statusChanged) item.statusChangedAt = new Date();
      item.version += 1;
      await this.items.save(m, item);
      const record = await this.records.findById(item.recordId);
      await this.outbox.add(m, ItemUpdated, itemEventData(item, record?.title ?? ''));
    });
    this.outbox.notifyCommitted();
    return this.get(dto);
  }

  async get(ref: ItemRefDto): Promise<ItemView> {
    const item = await this.items.findByRef(ref.agency, ref.barcode);
    if (!item || !item.record)
      throw new DomainError(ErrorCode.ItemUnknown, `item ${ref.agency}/${ref.barcode} not found`);
    return toItemView(item, item.record);
  }

  async search(dto: SearchItemsDto): Promise<Page<ItemView>> {
    const limit = dto.limit ?? 20;
    const offset = dto.offset ?? 0;
    const [rows, total] = await this.items.search({ ...dto, limit, offset });
    return { items: rows.map((i) => toItemView(i, i.record!)), total, limit, offset };
  }

  /** What circulation needs of one item, with its version (loans' projection asks when it lacks a row). */
  async circulationState(ref: ItemRefDto): Promise<ItemCirculationState> {
    const state = await this.items.findCirculationState(ref.agency, ref.barcode);
    if (!state) throw new DomainError(ErrorCode.ItemUnknown, `item ${ref.agency}/${ref.barcode} not found`);
    return state;
  }

  /** Every item's circulation state in pages (loans' projection backfill). */
  async circulationPage(dto: ItemCirculationPageDto): Promise<ItemCirculationPage> {
    const limit = dto.limit ?? 1000;
    const items = await this.items.circulationPage(dto.after ?? null, limit);
    return { items, next: items.length === limit ? items[items.length - 1].itemId : null };
  }

  /**
   * After a lost / claimed-returned / found change from the loans service (applied like the other
   * mirrored statuses): these change whether the copy may be lent, so each item's current state is
   * announced as item-updated, with its version (loans' item projection learns it; a redelivered event
   * announces the same or a newer state, harmless). The on_loan / available / in_transit / on_hold_shelf
   * mirrors are not announced: every one of them lets a checkout through, and the loans table decides.
   */
  async announceLendability(items: readonly ItemRefDto[]): Promise<void> {
    if (items.length === 0) return;
    await this.dataSource.transaction(async (m) => {
      const seen = new Set<string>();
      for (const ref of items) {
        const key = `${ref.agency}/${ref.barcode}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const state = await this.items.findCirculationState(ref.agency, ref.barcode, m);
        if (state) await this.outbox.add(m, ItemUpdated, { ...state });
      }
    });
    this.outbox.notifyCommitted();
  }

  /** Mirror loan state from the loans service's events. */
  applyLoanState(agency: string, barcode: string, onLoan: boolean, at: Date, location?: string): Promise<boolean> {
    return this.items.applyStatusIfNewer(agency, barcode, onLoan ? 'on_loan' : 'available', at, location);
  }

  /**
   * Apply a batch of mirrored status changes (in delivery order) in one statement, with the result of
   * applying them one at a time. Returns how many items changed.
   */
  applyStatusChanges(changes: readonly ItemStatusChange[]): Promise<number> {
    return this.items.applyStatusesIfNewer(collapseStatusChanges(changes));
  }
}

/** An item event: what statistics counts and loans' item projection keeps, with the row's version. */
function itemEventData(item: ItemEntity, title: string): ItemEventData {
  return {
    itemId: item.id,
    agency: item.agency,
    barcode: item.barcode,
    status: item.status,
    itemType: item.itemType,
    homeBranch: item.homeBranch,
    version: item.version,
    recordId: item.recordId,
    title,
    loanable: item.loanable,
  };
}
