import { Injectable } from '@nestjs/common';
import type { ItemCirculationState } from '@app/contracts';
import { DataSource } from 'typeorm';

const SELECT = `SELECT item_id AS "itemId", agency, barcode, record_id AS "recordId", title, item_type AS "itemType",
    home_branch AS "homeBranch", status, loanable, version
  FROM loans.items`;

/**
 * loans.items, the item projection: one row per item, the newest state by the catalog's version. Written
 * only by upserts that keep a row's version from going down, so the event consumer, the backfill and
 * a checkout's fallback may race in any order.
 */
@Injectable()
export class ItemProjectionRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(agency: string, barcode: string): Promise<ItemCirculationState | null> {
    const rows = (await this.dataSource.query(`${SELECT} WHERE agency = $1 AND barcode = $2`, [
      agency,
      barcode,
    ])) as ItemCirculationState[];
    return rows[0] ?? null;
  }

  async isEmpty(): Promise<boolean> {
    const rows = (await this.dataSource.query(`SELECT 1 FROM loans.items LIMIT 1`)) as unknown[];
    return rows.length === 0;
  }

  /**
   * Insert or update in one statement; a row is replaced only by a higher version (an equal one is a
   * redelivery). Returns how many rows changed.
   */
  async upsert(states: readonly ItemCirculationState[]): Promise<number> {
    const newest = newestPerItem(states);
    if (newest.length === 0) return 0;
    const col = <K extends keyof ItemCirculationState>(k: K) => newest.map((s) => s[k]);
    const changed = (await this.dataSource.query(
      `INSERT INTO loans.items AS p (agency, barcode, item_id, record_id, title, item_type, home_branch, status, loanable, version)
       SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[],
         $9::boolean[], $10::int[])
       ON CONFLICT (agency, barcode) DO UPDATE SET item_id = EXCLUDED.item_id, record_id = EXCLUDED.record_id,
         title = EXCLUDED.title, item_type = EXCLUDED.item_type, home_branch = EXCLUDED.home_branch,
         status = EXCLUDED.status, loanable = EXCLUDED.loanable, version = EXCLUDED.version, synced_at = now()
       WHERE p.version < EXCLUDED.version
       RETURNING 1`,
      [
        col('agency'),
        col('barcode'),
        col('itemId'),
        col('recordId'),
        col('title'),
        col('itemType'),
        col('homeBranch'),
        col('status'),
        col('loanable'),
        col('version'),
      ],
    )) as unknown[]; // an INSERT yields its RETURNING rows (no row count)
    return changed.length;
  }
}

/** One state per item, its highest version (one INSERT … ON CONFLICT may not touch a row twice). */
export function newestPerItem(states: readonly ItemCirculationState[]): ItemCirculationState[] {
  const byItem = new Map<string, ItemCirculationState>();
  for (const s of states) {
    const key = `${s.agency}\u0000${s.barcode}`;
    const seen = byItem.get(key);
    if (!seen || seen.version < s.version) byItem.set(key, s);
  }
  return [...byItem.values()];
}
