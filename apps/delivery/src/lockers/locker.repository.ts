import { Injectable } from '@nestjs/common';
import { CompartmentSize, CompartmentView, LockerView, UpsertLockerDto } from '@app/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { DeliveryEnvDto } from '../config/delivery-env.dto';

export interface LockerRow {
  code: string;
  agency: string;
  name: string;
  address: string;
  branch: string;
  pickupHours: number;
  online: boolean;
  lastSeenAt: Date | null;
  /** its controller called before and not for LOCKER_SILENT_AFTER_SECONDS */
  silent: boolean;
}

/** `$n`: the parameter holding LOCKER_SILENT_AFTER_SECONDS */
const silentSql = (n: number) => `(last_seen_at IS NOT NULL AND last_seen_at < now() - make_interval(secs => $${n}))`;
const lockerColumns = (n: number) =>
  `code, agency, name, address, branch, pickup_hours AS "pickupHours", online, last_seen_at AS "lastSeenAt", ${silentSql(n)} AS silent`;

@Injectable()
export class LockerRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly env: DeliveryEnvDto,
  ) {}

  private get silentAfter(): number {
    return this.env.LOCKER_SILENT_AFTER_SECONDS;
  }

  async upsert(dto: UpsertLockerDto): Promise<void> {
    await this.ds.transaction(async (m) => {
      await m.query(
        `INSERT INTO delivery.lockers (code, agency, name, address, branch, pickup_hours, online) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (code) DO UPDATE SET agency = $2, name = $3, address = $4, branch = $5, pickup_hours = $6, online = $7, updated_at = now()`,
        [dto.code, dto.agency, dto.name, dto.address, dto.branch, dto.pickupHours ?? 72, dto.online ?? true],
      );
      for (const c of dto.compartments ?? []) {
        // an existing compartment keeps its state and parcel; only its size may change while free
        await m.query(
          `INSERT INTO delivery.compartments (locker_code, number, size) VALUES ($1, $2, $3)
           ON CONFLICT (locker_code, number) DO UPDATE SET size = EXCLUDED.size WHERE delivery.compartments.state = 'free'`,
          [dto.code, c.number, c.size],
        );
      }
    });
  }

  async find(code: string, m?: EntityManager): Promise<LockerRow | null> {
    const rows = await (m ?? this.ds).query(`SELECT ${lockerColumns(2)} FROM delivery.lockers WHERE code = $1`, [
      code,
      this.silentAfter,
    ]);
    return rows[0] ?? null;
  }

  async list(): Promise<LockerView[]> {
    const lockers: LockerRow[] = await this.ds.query(`SELECT ${lockerColumns(1)} FROM delivery.lockers ORDER BY code`, [
      this.silentAfter,
    ]);
    const comps = await this.compartments();
    return lockers.map((l) => ({
      ...l,
      lastSeenAt: l.lastSeenAt?.toISOString() ?? null,
      compartments: comps.filter((c) => c.locker === l.code),
    }));
  }

  /** Every locker site and whether it takes orders: in service and not silent (the metrics gauge). */
  onlineStates(): Promise<{ code: string; online: boolean }[]> {
    return this.ds.query(`SELECT code, online AND NOT ${silentSql(1)} AS online FROM delivery.lockers ORDER BY code`, [
      this.silentAfter,
    ]);
  }

  /** Its controller called now; null for a locker not registered. */
  async seen(code: string): Promise<{ lastSeenAt: Date; online: boolean } | null> {
    const rows = await this.ds.query(
      `UPDATE delivery.lockers SET last_seen_at = now() WHERE code = $1 RETURNING last_seen_at AS "lastSeenAt", online`,
      [code],
    );
    return rows[0]?.[0] ?? null;
  }

  async compartments(locker?: string): Promise<CompartmentView[]> {
    return this.ds.query(
      `SELECT locker_code AS locker, number, size, state, order_id AS "orderId" FROM delivery.compartments
       ${locker ? 'WHERE locker_code = $1' : ''} ORDER BY locker_code, number`,
      locker ? [locker] : [],
    );
  }

  /**
   * A free compartment that fits (`S` parcels may use an `L` one), smallest first, claimed for the
   * order in the caller's transaction; two deposits never get the same one (SKIP LOCKED).
   */
  async claimFree(m: EntityManager, locker: string, size: CompartmentSize, orderId: string): Promise<number | null> {
    const sizes = size === 'S' ? ['S', 'L'] : ['L'];
    const rows: { number: number }[] = await m.query(
      `SELECT number FROM delivery.compartments WHERE locker_code = $1 AND state = 'free' AND size = ANY($2::text[])
       ORDER BY CASE size WHEN 'S' THEN 0 ELSE 1 END, number LIMIT 1 FOR UPDATE SKIP LOCKED`,
      [locker, sizes],
    );
    if (rows.length === 0) return null;
    await m.query(
      `UPDATE delivery.compartments SET state = 'occupied', order_id = $3 WHERE locker_code = $1 AND number = $2`,
      [locker, rows[0].number, orderId],
    );
    return rows[0].number;
  }

  async findCompartment(m: EntityManager, locker: string, number: number): Promise<CompartmentView | null> {
    const rows = await m.query(
      `SELECT locker_code AS locker, number, size, state, order_id AS "orderId" FROM delivery.compartments WHERE locker_code = $1 AND number = $2 FOR UPDATE`,
      [locker, number],
    );
    return rows[0] ?? null;
  }

  async setCompartment(
    m: EntityManager,
    locker: string,
    number: number,
    state: 'free' | 'occupied' | 'open',
    orderId: string | null,
  ): Promise<void> {
    await m.query(`UPDATE delivery.compartments SET state = $3, order_id = $4 WHERE locker_code = $1 AND number = $2`, [
      locker,
      number,
      state,
      orderId,
    ]);
  }

  /** Compartments holding a parcel nobody will collect (expired or cancelled): the staff work list. */
  async clearance(locker?: string): Promise<{ locker: string; number: number; orderId: string; updatedAt: Date }[]> {
    return this.ds.query(
      `SELECT c.locker_code AS locker, c.number, c.order_id AS "orderId", o.updated_at AS "updatedAt"
       FROM delivery.compartments c JOIN delivery.orders o ON o.id = c.order_id
       WHERE c.state = 'occupied' AND o.status IN ('expired','cancelled') ${locker ? 'AND c.locker_code = $1' : ''}
       ORDER BY o.updated_at, c.locker_code, c.number`,
      locker ? [locker] : [],
    );
  }

  async sealKey(): Promise<Buffer> {
    const [row] = await this.ds.query(`SELECT key FROM delivery.seal_keys WHERE id = 1`);
    return row.key as Buffer;
  }
}
