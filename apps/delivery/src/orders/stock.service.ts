import { Injectable } from '@nestjs/common';
import { ItemView, Page, SearchStockDto, StockTitleView } from '@app/contracts';
import { asDomainError, CirculationClient } from '../clients/circulation.client';
import { DeliveryEnvDto, stockLocations } from '../config/delivery-env.dto';
import { OrderRepository } from './order.repository';

/** catalog page size when reading a stock location (the catalog's maximum) */
const PAGE = 200;

/**
 * The lending stock: copies on the shelves of the stock locations that the catalog shows available
 * and lendable, minus those another order has reserved. The catalog is asked at request time; loans
 * is the authority when a copy is reserved (a copy lent a moment ago is refused there and skipped).
 */
@Injectable()
export class StockService {
  constructor(
    private readonly circulation: CirculationClient,
    private readonly orders: OrderRepository,
    private readonly env: DeliveryEnvDto,
  ) {}

  /** Orderable copies of a title, in a stable order (location, barcode). */
  async candidates(recordId: string): Promise<ItemView[]> {
    const copies = (
      await Promise.all(stockLocations(this.env).map((branch) => this.read({ recordId, branch })))
    ).flat();
    return this.orderable(copies);
  }

  async search(dto: SearchStockDto): Promise<Page<StockTitleView>> {
    const copies = (
      await Promise.all(
        stockLocations(this.env).map((branch) => this.read({ branch, ...(dto.q ? { title: dto.q } : {}) })),
      )
    ).flat();
    const open = await this.orderable(copies);
    const byTitle = new Map<string, StockTitleView>();
    for (const c of copies) {
      if (!byTitle.has(c.recordId))
        byTitle.set(c.recordId, { recordId: c.recordId, title: c.title, author: c.author, available: 0 });
    }
    for (const c of open) byTitle.get(c.recordId)!.available++;
    const all = [...byTitle.values()].sort(
      (a, b) => a.title.localeCompare(b.title, 'zh-CN') || a.recordId.localeCompare(b.recordId),
    );
    const limit = dto.limit ?? 20;
    const offset = dto.offset ?? 0;
    return { items: all.slice(offset, offset + limit), total: all.length, limit, offset };
  }

  private async orderable(copies: ItemView[]): Promise<ItemView[]> {
    const locations = stockLocations(this.env);
    const onShelf = copies.filter(
      (c) => c.status === 'available' && c.loanable && locations.includes(c.currentLocation),
    );
    const taken = new Set<string>();
    for (const agency of new Set(onShelf.map((c) => c.agency))) {
      for (const b of await this.orders.reservedBarcodes(
        agency,
        onShelf.filter((c) => c.agency === agency).map((c) => c.barcode),
      ))
        taken.add(`${agency}/${b}`);
    }
    return onShelf
      .filter((c) => !taken.has(`${c.agency}/${c.barcode}`))
      .sort((a, b) => a.currentLocation.localeCompare(b.currentLocation) || a.barcode.localeCompare(b.barcode));
  }

  /** Every page of a catalog item search (a stock location holds thousands of copies). */
  private async read(filter: { recordId?: string; branch: string; title?: string }): Promise<ItemView[]> {
    const out: ItemView[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.circulation
        .searchItems({ ...filter, limit: PAGE, offset })
        .catch((e) => Promise.reject(asDomainError(e)));
      out.push(...page.items);
      if (page.items.length < PAGE || out.length >= page.total) return out;
    }
  }
}
