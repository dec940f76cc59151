import { Injectable } from '@nestjs/common';
import { ActorDto, DeliveryMode, OrderItemState, OrderStatus, TimelineEntry } from '@app/contracts';
import { DataSource, EntityManager } from 'typeorm';

export interface OrderRow {
  id: string;
  patronAgency: string;
  patronBarcode: string;
  mode: DeliveryMode;
  status: OrderStatus | 'placing';
  lockerCode: string | null;
  compartment: number | null;
  stockLocation: string;
  address: string | null;
  phone: string | null;
  pickupDeadline: Date | null;
  codeHash: string | null;
  codeExpiresAt: Date | null;
  codeFailures: number;
  codeLocked: boolean;
  remindedAt: Date | null;
  carrier: string | null;
  trackingNumber: string | null;
  feeFen: number | null;
  subsidyFen: number | null;
  placedAt: Date;
  updatedAt: Date;
}

export interface OrderItemRow {
  orderId: string;
  position: number;
  recordId: string;
  title: string;
  itemAgency: string;
  itemBarcode: string;
  shelfLocation: string | null;
  state: OrderItemState;
  holdId: string | null;
  loanId: string | null;
  dueDate: string | null;
}

const ORDER_COLUMNS = `id, patron_agency AS "patronAgency", patron_barcode AS "patronBarcode", mode, status, locker_code AS "lockerCode",
  compartment, stock_location AS "stockLocation", address, phone, pickup_deadline AS "pickupDeadline", code_hash AS "codeHash",
  code_expires_at AS "codeExpiresAt", code_failures AS "codeFailures", code_locked AS "codeLocked", reminded_at AS "remindedAt",
  carrier, tracking_number AS "trackingNumber", fee_fen AS "feeFen", subsidy_fen AS "subsidyFen", placed_at AS "placedAt", updated_at AS "updatedAt"`;
const ITEM_COLUMNS = `order_id AS "orderId", position, record_id AS "recordId", title, item_agency AS "itemAgency", item_barcode AS "itemBarcode",
  shelf_location AS "shelfLocation", state, hold_id AS "holdId", loan_id AS "loanId", to_char(due_date, 'YYYY-MM-DD') AS "dueDate"`;

/** Columns of `orders` a step may change (camelCase → column). */
const UPDATABLE: Record<string, string> = {
  status: 'status',
  compartment: 'compartment',
  pickupDeadline: 'pickup_deadline',
  codeHash: 'code_hash',
  codeExpiresAt: 'code_expires_at',
  codeFailures: 'code_failures',
  codeLocked: 'code_locked',
  remindedAt: 'reminded_at',
  carrier: 'carrier',
  trackingNumber: 'tracking_number',
  feeFen: 'fee_fen',
  subsidyFen: 'subsidy_fen',
};

export interface OrderFilter {
  patron?: { agency: string; barcode: string };
  status?: OrderStatus;
  locker?: string;
  limit: number;
  offset: number;
}

/** All SQL on orders, their copies and the timeline. */
@Injectable()
export class OrderRepository {
  constructor(private readonly ds: DataSource) {}

  private q(m?: EntityManager): EntityManager | DataSource {
    return m ?? this.ds;
  }

  async insertOrder(o: OrderRow, m?: EntityManager): Promise<void> {
    await this.q(m).query(
      `INSERT INTO delivery.orders (id, patron_agency, patron_barcode, mode, status, locker_code, stock_location, address, phone, placed_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`,
      [
        o.id,
        o.patronAgency,
        o.patronBarcode,
        o.mode,
        o.status,
        o.lockerCode,
        o.stockLocation,
        o.address,
        o.phone,
        o.placedAt,
      ],
    );
  }

  /** Claims a copy for an order; false when another open order already has it (the unique index decides). */
  async claimItem(i: OrderItemRow): Promise<boolean> {
    const rows = await this.ds.query(
      `INSERT INTO delivery.order_items (order_id, position, record_id, title, item_agency, item_barcode, shelf_location, state)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'reserved')
       ON CONFLICT (item_agency, item_barcode) WHERE state = 'reserved' DO NOTHING RETURNING position`,
      [i.orderId, i.position, i.recordId, i.title, i.itemAgency, i.itemBarcode, i.shelfLocation],
    );
    return rows.length === 1;
  }

  async setHold(orderId: string, position: number, holdId: string): Promise<void> {
    await this.ds.query(`UPDATE delivery.order_items SET hold_id = $3 WHERE order_id = $1 AND position = $2`, [
      orderId,
      position,
      holdId,
    ]);
  }

  async deleteItem(orderId: string, position: number): Promise<void> {
    await this.ds.query(`DELETE FROM delivery.order_items WHERE order_id = $1 AND position = $2`, [orderId, position]);
  }

  async deleteOrder(orderId: string): Promise<void> {
    await this.ds.query(`DELETE FROM delivery.order_items WHERE order_id = $1`, [orderId]);
    await this.ds.query(`DELETE FROM delivery.timeline WHERE order_id = $1`, [orderId]);
    await this.ds.query(`DELETE FROM delivery.orders WHERE id = $1`, [orderId]);
  }

  async find(id: string, m?: EntityManager, lock = false): Promise<OrderRow | null> {
    const rows = await this.q(m).query(
      `SELECT ${ORDER_COLUMNS} FROM delivery.orders WHERE id = $1 AND status <> 'placing'${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ?? null;
  }

  async items(orderIds: string[], m?: EntityManager): Promise<OrderItemRow[]> {
    if (orderIds.length === 0) return [];
    return this.q(m).query(
      `SELECT ${ITEM_COLUMNS} FROM delivery.order_items WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, position`,
      [orderIds],
    );
  }

  async update(m: EntityManager, id: string, patch: Partial<OrderRow>, now: Date): Promise<void> {
    const sets: string[] = ['updated_at = $2'];
    const params: unknown[] = [id, now];
    for (const [k, v] of Object.entries(patch)) {
      const col = UPDATABLE[k];
      if (!col) throw new Error(`orders.${k} cannot be updated`);
      params.push(v);
      sets.push(`${col} = $${params.length}`);
    }
    await m.query(`UPDATE delivery.orders SET ${sets.join(', ')} WHERE id = $1`, params);
  }

  async setItemsState(m: EntityManager, orderId: string, from: OrderItemState[], to: OrderItemState): Promise<void> {
    await m.query(`UPDATE delivery.order_items SET state = $3 WHERE order_id = $1 AND state = ANY($2::text[])`, [
      orderId,
      from,
      to,
    ]);
  }

  async setItemLoan(
    m: EntityManager,
    orderId: string,
    position: number,
    loanId: string,
    dueDate: string,
  ): Promise<void> {
    await m.query(
      `UPDATE delivery.order_items SET state = 'loaned', loan_id = $3, due_date = $4 WHERE order_id = $1 AND position = $2`,
      [orderId, position, loanId, dueDate],
    );
  }

  /**
   * The order a lent copy came from, locked (order row first, then the copy: the lock order every
   * writer of orders uses, so a locker return and the loans-event consumer never deadlock).
   */
  async lockLoanedItem(
    m: EntityManager,
    where: { agency: string; barcode: string } | { loanId: string },
  ): Promise<OrderItemRow | null> {
    const [hit] = await m.query(
      'loanId' in where
        ? `SELECT order_id AS "orderId" FROM delivery.order_items WHERE loan_id = $1 AND state = 'loaned'`
        : `SELECT order_id AS "orderId" FROM delivery.order_items WHERE item_agency = $1 AND item_barcode = $2 AND state = 'loaned'`,
      'loanId' in where ? [where.loanId] : [where.agency, where.barcode],
    );
    if (!hit) return null;
    await m.query(`SELECT id FROM delivery.orders WHERE id = $1 FOR UPDATE`, [hit.orderId]);
    const [row] = await m.query(
      'loanId' in where
        ? `SELECT ${ITEM_COLUMNS} FROM delivery.order_items WHERE order_id = $2 AND loan_id = $1 AND state = 'loaned' FOR UPDATE`
        : `SELECT ${ITEM_COLUMNS} FROM delivery.order_items WHERE order_id = $3 AND item_agency = $1 AND item_barcode = $2 AND state = 'loaned' FOR UPDATE`,
      'loanId' in where ? [where.loanId, hit.orderId] : [where.agency, where.barcode, hit.orderId],
    );
    return row ?? null;
  }

  /** The reserved copy of a reader's open order (a loan made outside the device API), locked order first. */
  async lockReservedItem(
    m: EntityManager,
    item: { agency: string; barcode: string },
    patron: { agency: string; barcode: string },
  ): Promise<OrderItemRow | null> {
    const [hit] = await m.query(
      `SELECT i.order_id AS "orderId" FROM delivery.order_items i JOIN delivery.orders o ON o.id = i.order_id
       WHERE i.item_agency = $1 AND i.item_barcode = $2 AND i.state = 'reserved' AND o.patron_agency = $3 AND o.patron_barcode = $4`,
      [item.agency, item.barcode, patron.agency, patron.barcode],
    );
    if (!hit) return null;
    await m.query(`SELECT id FROM delivery.orders WHERE id = $1 FOR UPDATE`, [hit.orderId]);
    const [row] = await m.query(
      `SELECT ${ITEM_COLUMNS} FROM delivery.order_items WHERE order_id = $3 AND item_agency = $1 AND item_barcode = $2 AND state = 'reserved' FOR UPDATE`,
      [item.agency, item.barcode, hit.orderId],
    );
    return row ?? null;
  }

  async setItemReturned(m: EntityManager, orderId: string, position: number): Promise<void> {
    await m.query(`UPDATE delivery.order_items SET state = 'returned' WHERE order_id = $1 AND position = $2`, [
      orderId,
      position,
    ]);
  }

  async list(f: OrderFilter): Promise<{ rows: OrderRow[]; total: number }> {
    const where: string[] = [`status <> 'placing'`];
    const params: unknown[] = [];
    if (f.patron) {
      params.push(f.patron.agency, f.patron.barcode);
      where.push(`patron_agency = $${params.length - 1} AND patron_barcode = $${params.length}`);
    }
    if (f.status) {
      params.push(f.status);
      where.push(`status = $${params.length}`);
    }
    if (f.locker) {
      params.push(f.locker);
      where.push(`locker_code = $${params.length}`);
    }
    const w = where.join(' AND ');
    const [{ n }] = await this.ds.query(`SELECT count(*)::int AS n FROM delivery.orders WHERE ${w}`, params);
    const rows = await this.ds.query(
      `SELECT ${ORDER_COLUMNS} FROM delivery.orders WHERE ${w} ORDER BY placed_at DESC, id LIMIT ${Number(f.limit)} OFFSET ${Number(f.offset)}`,
      params,
    );
    return { rows, total: n };
  }

  /** Copies the reader has ordered and not yet borrowed (counted against the order and loan limits). */
  async outstandingCount(patron: { agency: string; barcode: string }, m?: EntityManager): Promise<number> {
    const [{ n }] = await this.q(m).query(
      `SELECT count(*)::int AS n FROM delivery.order_items i JOIN delivery.orders o ON o.id = i.order_id
       WHERE o.patron_agency = $1 AND o.patron_barcode = $2 AND i.state = 'reserved' AND o.status <> 'placing'`,
      [patron.agency, patron.barcode],
    );
    return n;
  }

  async reservedBarcodes(agency: string, barcodes: string[]): Promise<Set<string>> {
    if (barcodes.length === 0) return new Set();
    const rows: { b: string }[] = await this.ds.query(
      `SELECT item_barcode AS b FROM delivery.order_items WHERE item_agency = $1 AND item_barcode = ANY($2::text[]) AND state = 'reserved'`,
      [agency, barcodes],
    );
    return new Set(rows.map((r) => r.b));
  }

  /** Copies to pull for orders not yet picked, oldest order first. */
  async pickList(
    locations: string[],
  ): Promise<
    (OrderItemRow & { placedAt: Date; mode: DeliveryMode; lockerCode: string | null; stockLocation: string })[]
  > {
    return this.ds.query(
      `SELECT ${ITEM_COLUMNS.replace(/order_id AS/, 'i.order_id AS')}, o.placed_at AS "placedAt", o.mode, o.locker_code AS "lockerCode", o.stock_location AS "stockLocation"
       FROM delivery.orders o JOIN delivery.order_items i ON i.order_id = o.id
       WHERE o.status = 'placed' AND i.state = 'reserved' AND o.stock_location = ANY($1::text[])
       ORDER BY o.placed_at, o.id, i.position LIMIT 500`,
      [locations],
    );
  }

  async addTimeline(
    m: EntityManager,
    orderId: string,
    action: string,
    status: string,
    actor: ActorDto,
    at: Date,
    detail: Record<string, unknown> = {},
  ): Promise<void> {
    await m.query(
      `INSERT INTO delivery.timeline (order_id, at, action, status, actor_kind, actor_id, location, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [orderId, at, action, status, actor.kind, actor.id, actor.location ?? null, JSON.stringify(detail)],
    );
  }

  async timeline(orderId: string): Promise<TimelineEntry[]> {
    const rows: {
      at: Date;
      action: string;
      status: OrderStatus;
      kind: TimelineEntry['actor']['kind'];
      actorId: string;
      location: string | null;
      detail: Record<string, unknown>;
    }[] = await this.ds.query(
      `SELECT at, action, status, actor_kind AS kind, actor_id AS "actorId", location, detail FROM delivery.timeline WHERE order_id = $1 ORDER BY id`,
      [orderId],
    );
    return rows.map((r) => ({
      at: r.at.toISOString(),
      action: r.action,
      status: r.status,
      actor: { kind: r.kind, id: r.actorId, location: r.location },
      detail: r.detail,
    }));
  }

  /** Parcels of a reader waiting in one locker, locked (pickup). */
  async inLockerFor(
    m: EntityManager,
    locker: string,
    patron: { agency: string; barcode: string },
  ): Promise<OrderRow[]> {
    return m.query(
      `SELECT ${ORDER_COLUMNS} FROM delivery.orders WHERE locker_code = $1 AND patron_agency = $2 AND patron_barcode = $3 AND status = 'in_locker'
       ORDER BY placed_at FOR UPDATE`,
      [locker, patron.agency, patron.barcode],
    );
  }

  /** Claims up to `limit` rows for a job; another replica skips them (SKIP LOCKED). */
  async claimForJob(m: EntityManager, where: string, params: unknown[], limit = 100): Promise<OrderRow[]> {
    return m.query(
      `SELECT ${ORDER_COLUMNS} FROM delivery.orders WHERE ${where} ORDER BY pickup_deadline LIMIT ${limit} FOR UPDATE SKIP LOCKED`,
      params,
    );
  }

  /** Orders with lent copies past their due day and no overdue notice yet; the copies are claimed (SKIP LOCKED) and marked. */
  async claimOverdue(m: EntityManager, today: string, at: Date): Promise<string[]> {
    // TypeORM answers an UPDATE … RETURNING as [rows, affected]
    const [rows] = (await m.query(
      `WITH due AS (
         SELECT order_id, position FROM delivery.order_items
         WHERE state = 'loaned' AND overdue_noticed_at IS NULL AND due_date < $1::date
         ORDER BY due_date LIMIT 200 FOR UPDATE SKIP LOCKED)
       UPDATE delivery.order_items i SET overdue_noticed_at = $2 FROM due
       WHERE i.order_id = due.order_id AND i.position = due.position
       RETURNING i.order_id AS "orderId"`,
      [today, at],
    )) as [{ orderId: string }[], number];
    return [...new Set(rows.map((r) => r.orderId))];
  }

  async staleTxPlacing(before: Date): Promise<string[]> {
    const rows: { id: string }[] = await this.ds.query(
      `SELECT id FROM delivery.orders WHERE status = 'placing' AND placed_at < $1 LIMIT 100`,
      [before],
    );
    return rows.map((r) => r.id);
  }
}
