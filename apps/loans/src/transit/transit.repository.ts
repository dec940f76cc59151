import { Injectable } from '@nestjs/common';
import type { ItemRef, TransitDirection, TransitReason, TransitStatus } from '@app/contracts';
import { DataSource, EntityManager } from 'typeorm';

export interface TransitRow {
  id: string;
  itemAgency: string;
  itemBarcode: string;
  title: string;
  fromBranch: string;
  toBranch: string;
  reason: TransitReason;
  holdId: string | null;
  status: TransitStatus;
  sentAt: Date;
  receivedAt: Date | null;
  receivedBranch: string | null;
}

const TRANSIT_COLUMNS = `t.id, t.item_agency AS "itemAgency", t.item_barcode AS "itemBarcode", t.title, t.from_branch AS "fromBranch",
  t.to_branch AS "toBranch", t.reason, t.hold_id AS "holdId", t.status, t.sent_at AS "sentAt", t.received_at AS "receivedAt",
  t.received_branch AS "receivedBranch"`;

@Injectable()
export class TransitRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The item's open transit (transits_open_item_key), locked for the caller's transaction. */
  async findOpenByItem(m: EntityManager, item: ItemRef): Promise<TransitRow | null> {
    const rows = await m.query(
      `SELECT ${TRANSIT_COLUMNS} FROM loans.transits t WHERE t.item_agency = $1 AND t.item_barcode = $2 AND t.status = 'open' FOR UPDATE`,
      [item.agency, item.barcode],
    );
    return rows[0] ?? null;
  }

  async insert(m: EntityManager, t: Omit<TransitRow, 'status' | 'receivedAt' | 'receivedBranch'>): Promise<void> {
    await m.query(
      `INSERT INTO loans.transits (id, item_agency, item_barcode, title, from_branch, to_branch, reason, hold_id, status, sent_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9)`,
      [t.id, t.itemAgency, t.itemBarcode, t.title, t.fromBranch, t.toBranch, t.reason, t.holdId, t.sentAt],
    );
  }

  async receive(m: EntityManager, id: string, branch: string, at: Date): Promise<void> {
    await m.query(
      `UPDATE loans.transits SET status = 'received', received_at = $3, received_branch = $2 WHERE id = $1`,
      [id, branch, at],
    );
  }

  async cancel(m: EntityManager, id: string): Promise<void> {
    await m.query(`UPDATE loans.transits SET status = 'cancelled' WHERE id = $1`, [id]);
  }

  /** The item left circulation's hands (lent out): any open transit of it is over. */
  async cancelOpenForItem(m: EntityManager, item: ItemRef): Promise<void> {
    await m.query(
      `UPDATE loans.transits SET status = 'cancelled' WHERE item_agency = $1 AND item_barcode = $2 AND status = 'open'`,
      [item.agency, item.barcode],
    );
  }

  async list(
    branch: string | undefined,
    direction: TransitDirection,
    status: TransitStatus | 'all',
    limit: number,
    offset: number,
  ): Promise<[TransitRow[], number]> {
    const params: unknown[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    const conds: string[] = [];
    if (branch) {
      const b = p(branch);
      conds.push(
        direction === 'incoming'
          ? `t.to_branch = ${b}`
          : direction === 'outgoing'
            ? `t.from_branch = ${b}`
            : `(t.to_branch = ${b} OR t.from_branch = ${b})`,
      );
    }
    if (status !== 'all') conds.push(`t.status = ${p(status)}`);
    const whereSql = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
    const [{ n }] = await this.dataSource.query(`SELECT count(*)::int AS n FROM loans.transits t ${whereSql}`, params);
    const rows = await this.dataSource.query(
      `SELECT ${TRANSIT_COLUMNS} FROM loans.transits t ${whereSql} ORDER BY t.sent_at DESC, t.id DESC LIMIT ${p(limit)} OFFSET ${p(offset)}`,
      params,
    );
    return [rows, n];
  }
}
