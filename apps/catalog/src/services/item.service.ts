import { Injectable } from '@nestjs/common';
import { DomainError, OutboxService } from '@app/common';
import {
  CreateItemDto,
  ErrorCode,
  ItemCreated,
  ItemRefDto,
  ItemUpdated,
  ItemView,
  Page,
  SearchItemsDto,
  UpdateItemDto,
} from '@app/contracts';
import { DataSource } from 'typeorm';
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
      });
      await this.outbox.add(m, ItemCreated, {
        itemId: created.id,
        agency: created.agency,
        barcode: created.barcode,
        status: created.status,
        itemType: created.itemType,
        homeBranch: created.homeBranch,
      });
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
      await this.items.save(m, item);
      await this.outbox.add(m, ItemUpdated, {
        itemId: item.id,
        agency: item.agency,
        barcode: item.barcode,
        status: item.status,
        itemType: item.itemType,
        homeBranch: item.homeBranch,
      });
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
