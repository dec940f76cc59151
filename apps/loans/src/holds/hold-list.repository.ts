import { Injectable } from '@nestjs/common';
import type { HoldListStatus, ItemRef } from '@app/contracts';
import { DataSource } from 'typeorm';
import { HOLD_COLUMNS, HoldRow, QUEUE_ORDER, QUEUE_POSITION } from './hold.repository';

/** Read-only holds queries for lists, the hold shelf and the pick list (outside any transaction). */
@Injectable()
export class HoldListRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Active holds of a patron (holds_patron_record_active_key). */
  async countActiveForPatron(patron: ItemRef): Promise<number> {
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM loans.holds WHERE patron_agency = $1 AND patron_barcode = $2 AND status IN ('waiting','in_transit','ready')`,
      [patron.agency, patron.barcode],
    );
    return row.n;
  }

  async list(
    where: { patron?: ItemRef; recordId?: string; item?: ItemRef; itemRecordId?: string | null },
    status: HoldListStatus,
    limit: number,
    offset: number,
  ): Promise<[HoldRow[], number]> {
    const params: unknown[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    const conds: string[] = [];
    if (where.patron)
      conds.push(`h.patron_agency = ${p(where.patron.agency)} AND h.patron_barcode = ${p(where.patron.barcode)}`);
    if (where.recordId) conds.push(`h.record_id = ${p(where.recordId)}`);
    if (where.item) {
      const a = p(where.item.agency);
      const b = p(where.item.barcode);
      const sameItem = `(h.item_agency = ${a} AND h.item_barcode = ${b}) OR (h.trapped_item_agency = ${a} AND h.trapped_item_barcode = ${b})`;
      conds.push(
        where.itemRecordId
          ? `(${sameItem} OR (h.level = 'title' AND h.agency = ${a} AND h.record_id = ${p(where.itemRecordId)}))`
          : `(${sameItem})`,
      );
    }
    if (status === 'active') conds.push(`h.status IN ('waiting','in_transit','ready')`);
    if (status === 'ended') conds.push(`h.status IN ('fulfilled','cancelled','expired')`);
    const whereSql = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
    // a patron's list: newest first; a title's or item's list: queue order
    const order = where.patron ? 'h.placed_at DESC, h.id DESC' : `(h.status = 'waiting'), ${QUEUE_ORDER}`;
    const [{ n }] = await this.dataSource.query(`SELECT count(*)::int AS n FROM loans.holds h ${whereSql}`, params);
    const rows = await this.dataSource.query(
      `SELECT ${HOLD_COLUMNS}, ${QUEUE_POSITION} FROM loans.holds h ${whereSql} ORDER BY ${order} LIMIT ${p(limit)} OFFSET ${p(offset)}`,
      params,
    );
    return [rows, n];
  }

  /** The hold shelf of a branch: ready holds (deadline order), then ended holds whose copy still sits there. */
  async shelf(branch: string, limit: number, offset: number): Promise<[HoldRow[], number]> {
    const from = `FROM loans.holds h WHERE h.pickup_branch = $1 AND (h.status = 'ready'
      OR (h.shelf_cleared_at IS NULL AND h.status IN ('expired','cancelled') AND h.trapped_item_barcode IS NOT NULL))`;
    const [{ n }] = await this.dataSource.query(`SELECT count(*)::int AS n ${from}`, [branch]);
    const rows = await this.dataSource.query(
      `SELECT ${HOLD_COLUMNS} ${from} ORDER BY (h.status = 'ready'), h.pickup_deadline, h.id LIMIT $2 OFFSET $3`,
      [branch, limit, offset],
    );
    return [rows, n];
  }

  /** Titles with waiting holds in an agency, oldest first (the pick list walks them page by page). */
  async titlesWaiting(agency: string, today: string, limit: number, offset: number): Promise<string[]> {
    const rows = await this.dataSource.query(
      `SELECT record_id AS "recordId" FROM loans.holds
       WHERE status = 'waiting' AND agency = $1 AND (not_needed_after IS NULL OR not_needed_after >= $2::date)
       GROUP BY record_id ORDER BY min(placed_at), record_id LIMIT $3 OFFSET $4`,
      [agency, today, limit, offset],
    );
    return rows.map((r: { recordId: string }) => r.recordId);
  }

  /** Waiting holds of these titles in queue order. */
  async waitingForTitles(agency: string, recordIds: string[], today: string): Promise<HoldRow[]> {
    if (recordIds.length === 0) return [];
    return this.dataSource.query(
      `SELECT ${HOLD_COLUMNS} FROM loans.holds h
       WHERE h.record_id = ANY($2::uuid[]) AND h.status = 'waiting' AND h.agency = $1
         AND (h.not_needed_after IS NULL OR h.not_needed_after >= $3::date)
       ORDER BY h.record_id, ${QUEUE_ORDER}`,
      [agency, recordIds, today],
    );
  }

  /** Copies that cannot be pulled for a hold: out on loan, already set aside, or travelling. */
  async unavailableAmong(items: ItemRef[]): Promise<Set<string>> {
    if (items.length === 0) return new Set();
    const agencies = items.map((i) => i.agency);
    const barcodes = items.map((i) => i.barcode);
    const rows: { k: string }[] = await this.dataSource.query(
      `WITH wanted AS (SELECT * FROM unnest($1::text[], $2::text[]) AS w(agency, barcode))
       SELECT w.agency || '/' || w.barcode AS k FROM wanted w WHERE
         EXISTS (SELECT 1 FROM loans.loans l WHERE l.item_agency = w.agency AND l.item_barcode = w.barcode AND l.returned_at IS NULL)
         OR EXISTS (SELECT 1 FROM loans.holds h WHERE h.trapped_item_agency = w.agency AND h.trapped_item_barcode = w.barcode AND h.status IN ('in_transit','ready'))
         OR EXISTS (SELECT 1 FROM loans.transits t WHERE t.item_agency = w.agency AND t.item_barcode = w.barcode AND t.status = 'open')`,
      [agencies, barcodes],
    );
    return new Set(rows.map((r) => r.k));
  }
}
