import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { ErrorCode, ListOrdersDto, OrderRefDto, OrderView, Page, PickListQueryDto, PickListView } from '@app/contracts';
import { DeliveryEnvDto, stockLocations } from '../config/delivery-env.dto';
import { toOrderView } from './order.mapper';
import { OrderRepository } from './order.repository';

@Injectable()
export class OrderQueryService {
  constructor(
    private readonly orders: OrderRepository,
    private readonly env: DeliveryEnvDto,
  ) {}

  async get(dto: OrderRefDto): Promise<OrderView> {
    const o = await this.orders.find(dto.orderId);
    // someone else's order is "not found" to a reader: no probing of order ids
    if (!o || (dto.patron && (o.patronAgency !== dto.patron.agency || o.patronBarcode !== dto.patron.barcode))) {
      throw new DomainError(ErrorCode.OrderNotFound, `order ${dto.orderId} not found`);
    }
    return { ...toOrderView(o, await this.orders.items([o.id])), timeline: await this.orders.timeline(o.id) };
  }

  async list(dto: ListOrdersDto): Promise<Page<OrderView>> {
    const limit = dto.limit ?? 20;
    const offset = dto.offset ?? 0;
    const { rows, total } = await this.orders.list({
      patron: dto.patron,
      status: dto.status,
      locker: dto.locker,
      limit,
      offset,
    });
    const items = await this.orders.items(rows.map((r) => r.id));
    return { items: rows.map((r) => toOrderView(r, items)), total, limit, offset };
  }

  async pickList(dto: PickListQueryDto): Promise<PickListView> {
    const rows = await this.orders.pickList(dto.location ? [dto.location] : stockLocations(this.env));
    return {
      location: dto.location ?? null,
      entries: rows.map((r) => ({
        orderId: r.orderId,
        placedAt: r.placedAt.toISOString(),
        mode: r.mode,
        locker: r.lockerCode,
        item: { agency: r.itemAgency, barcode: r.itemBarcode },
        title: r.title,
        shelfLocation: r.shelfLocation,
        stockLocation: r.stockLocation,
      })),
    };
  }
}
