import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ActionRow } from '../services/action-mapper';

export interface ItemHolding {
  agency: string;
  barcode: string;
  itemType: string;
  homeBranch: string;
  withdrawn: boolean;
  changedAt: string;
}

/**
 * Rows in and rollups out. `record` is one statement: the action rows are inserted with ON CONFLICT
 * DO NOTHING on their natural key, and only the rows actually inserted are added to the daily, hourly
 * and patron-day rollups (data-modifying CTEs), so a replay or an overlapping backfill never counts
 * twice and the rollups never disagree with the rows.
 */
@Injectable()
export class StatisticsRepository {
  constructor(private readonly ds: DataSource) {}

  async record(rows: ActionRow[], timezone: string): Promise<number> {
    if (rows.length === 0) return 0;
    const [result] = (await this.ds.query(
      `WITH input AS (
         SELECT x.*, (x."occurredAt" AT TIME ZONE $2) AS local_ts
         FROM jsonb_to_recordset($1::jsonb) AS x(
           key text, "eventId" uuid, action text, "occurredAt" timestamptz, branch text, channel text, "rawChannel" text,
           "itemAgency" text, "owningBranch" text, "itemType" text, "patronAgency" text, "patronType" text,
           "patronHash" text, "loanId" uuid, source text, "amountFen" bigint, "itemCount" integer, detail text)
       ), ins AS (
         INSERT INTO statistics.circulation_actions (action_key, event_id, action, occurred_at, local_date, local_hour, iso_dow,
           branch, channel, raw_channel, item_agency, owning_branch, item_type, patron_agency, patron_type, patron_hash, loan_id, source,
           amount_fen, item_count, detail)
         SELECT key, "eventId", action, "occurredAt", local_ts::date, extract(hour FROM local_ts)::smallint, extract(isodow FROM local_ts)::smallint,
           branch, channel, "rawChannel", "itemAgency", "owningBranch", "itemType", "patronAgency", "patronType", "patronHash", "loanId", source,
           "amountFen", COALESCE("itemCount", 1), detail
         FROM input
         ON CONFLICT (action_key) DO NOTHING
         RETURNING local_date, local_hour, iso_dow, action, branch, channel, item_agency, owning_branch, item_type, patron_agency, patron_type, patron_hash,
           amount_fen, item_count
       ), daily AS (
         INSERT INTO statistics.daily_circulation AS d (local_date, action, branch, channel, item_agency, owning_branch, item_type, patron_agency, patron_type,
           count, amount_fen, item_count)
         SELECT local_date, action, branch, channel, item_agency, owning_branch, item_type, patron_agency, patron_type,
           count(*), COALESCE(sum(amount_fen), 0), sum(item_count)
         FROM ins GROUP BY local_date, action, branch, channel, item_agency, owning_branch, item_type, patron_agency, patron_type
         ON CONFLICT (local_date, action, branch, channel, item_agency, owning_branch, item_type, patron_agency, patron_type)
         DO UPDATE SET count = d.count + EXCLUDED.count, amount_fen = d.amount_fen + EXCLUDED.amount_fen, item_count = d.item_count + EXCLUDED.item_count
       ), hourly AS (
         INSERT INTO statistics.hourly_circulation AS h (local_date, local_hour, iso_dow, action, branch, channel, count)
         SELECT local_date, local_hour, min(iso_dow), action, branch, channel, count(*)
         FROM ins GROUP BY local_date, local_hour, action, branch, channel
         ON CONFLICT (local_date, local_hour, action, branch, channel) DO UPDATE SET count = h.count + EXCLUDED.count
       ), visits AS (
         INSERT INTO statistics.patron_days AS p (local_date, patron_hash, patron_agency, patron_type, channels)
         SELECT local_date, patron_hash, min(patron_agency), min(patron_type), array_agg(DISTINCT channel)
         FROM ins WHERE action = 'checkout' AND patron_hash IS NOT NULL GROUP BY local_date, patron_hash
         ON CONFLICT (local_date, patron_hash)
         DO UPDATE SET channels = ARRAY(SELECT DISTINCT c FROM unnest(p.channels || EXCLUDED.channels) AS c ORDER BY c)
       )
       SELECT count(*)::int AS inserted FROM ins`,
      [JSON.stringify(rows), timezone],
    )) as { inserted: number }[];
    return result.inserted;
  }

  /** Holdings for turnover: the newest change of an item wins. */
  async upsertItems(items: ItemHolding[]): Promise<void> {
    if (items.length === 0) return;
    await this.ds.query(
      `INSERT INTO statistics.items AS i (agency, barcode, item_type, home_branch, withdrawn, changed_at)
       SELECT DISTINCT ON (agency, barcode) agency, barcode, "itemType", "homeBranch", withdrawn, "changedAt"
       FROM jsonb_to_recordset($1::jsonb) AS x(agency text, barcode text, "itemType" text, "homeBranch" text, withdrawn boolean, "changedAt" timestamptz)
       ORDER BY agency, barcode, "changedAt" DESC
       ON CONFLICT (agency, barcode) DO UPDATE SET item_type = EXCLUDED.item_type, home_branch = EXCLUDED.home_branch,
         withdrawn = EXCLUDED.withdrawn, changed_at = EXCLUDED.changed_at
       WHERE i.changed_at <= EXCLUDED.changed_at`,
      [JSON.stringify(items)],
    );
  }

  circulation(
    from: string,
    to: string,
    branch?: string,
    action?: string,
  ): Promise<{ date: string; branch: string; channel: string; action: string; count: number }[]> {
    return this.ds.query(
      `SELECT to_char(local_date, 'YYYY-MM-DD') AS date, branch, channel, action, sum(count)::int AS count
       FROM statistics.daily_circulation
       WHERE local_date BETWEEN $1 AND $2 AND ($3::text IS NULL OR branch = $3) AND ($4::text IS NULL OR action = $4)
       GROUP BY local_date, branch, channel, action ORDER BY local_date, branch, channel, action`,
      [from, to, branch ?? null, action ?? null],
    );
  }

  heatmap(
    from: string,
    to: string,
    action: string,
    branch?: string,
  ): Promise<{ dow: number; hour: number; count: number }[]> {
    return this.ds.query(
      `SELECT iso_dow AS dow, local_hour AS hour, sum(count)::int AS count FROM statistics.hourly_circulation
       WHERE local_date BETWEEN $1 AND $2 AND action = $3 AND ($4::text IS NULL OR branch = $4)
       GROUP BY iso_dow, local_hour`,
      [from, to, action, branch ?? null],
    );
  }

  turnover(from: string, to: string): Promise<{ itemType: string; branch: string; loans: number; holdings: number }[]> {
    return this.ds.query(
      `WITH loans AS (
         SELECT item_type, owning_branch AS branch, sum(count)::int AS loans FROM statistics.daily_circulation
         WHERE local_date BETWEEN $1 AND $2 AND action = 'checkout' GROUP BY item_type, owning_branch
       ), holdings AS (
         SELECT item_type, home_branch AS branch, count(*)::int AS holdings FROM statistics.items WHERE NOT withdrawn GROUP BY item_type, home_branch
       )
       SELECT COALESCE(l.item_type, h.item_type) AS "itemType", COALESCE(l.branch, h.branch) AS branch,
         COALESCE(l.loans, 0) AS loans, COALESCE(h.holdings, 0) AS holdings
       FROM loans l FULL JOIN holdings h ON h.item_type = l.item_type AND h.branch = l.branch
       ORDER BY 2, 1`,
      [from, to],
    );
  }

  patrons(
    from: string,
    to: string,
  ): Promise<{ agency: string; patronType: string; active: number; borrowingVisits: number; newPatrons: number }[]> {
    return this.ds.query(
      `WITH active AS (
         SELECT patron_agency AS agency, patron_type, count(DISTINCT patron_hash)::int AS active, count(*)::int AS visits
         FROM statistics.patron_days WHERE local_date BETWEEN $1 AND $2 GROUP BY patron_agency, patron_type
       ), fresh AS (
         SELECT patron_agency AS agency, patron_type, sum(count)::int AS n FROM statistics.daily_circulation
         WHERE local_date BETWEEN $1 AND $2 AND action = 'card_issued' GROUP BY patron_agency, patron_type
       )
       SELECT COALESCE(a.agency, f.agency) AS agency, COALESCE(a.patron_type, f.patron_type) AS "patronType",
         COALESCE(a.active, 0) AS active, COALESCE(a.visits, 0) AS "borrowingVisits", COALESCE(f.n, 0) AS "newPatrons"
       FROM active a FULL JOIN fresh f ON f.agency = a.agency AND f.patron_type = a.patron_type
       ORDER BY 1, 2`,
      [from, to],
    );
  }

  /** Totals of a range by action and channel (actions, books, fen), for the annual report. */
  totals(
    from: string,
    to: string,
  ): Promise<{ action: string; channel: string; count: number; items: number; amountFen: number }[]> {
    return this.ds.query(
      `SELECT action, channel, sum(count)::int AS count, sum(item_count)::int AS items, sum(amount_fen)::bigint::float8 AS "amountFen"
       FROM statistics.daily_circulation
       WHERE local_date BETWEEN $1 AND $2 GROUP BY action, channel`,
      [from, to],
    );
  }

  loansByBranch(from: string, to: string): Promise<{ branch: string; count: number }[]> {
    return this.ds.query(
      `SELECT branch, sum(count)::int AS count FROM statistics.daily_circulation
       WHERE local_date BETWEEN $1 AND $2 AND action = 'checkout' GROUP BY branch ORDER BY branch`,
      [from, to],
    );
  }

  async visitsAndUsers(from: string, to: string): Promise<{ visits: number; activePatrons: number; o2oUsers: number }> {
    const [r] = (await this.ds.query(
      `SELECT count(*)::int AS visits, count(DISTINCT patron_hash)::int AS "activePatrons",
         (SELECT count(DISTINCT patron_hash)::int FROM statistics.circulation_actions
          WHERE local_date BETWEEN $1 AND $2 AND action = 'o2o_order') AS "o2oUsers"
       FROM statistics.patron_days WHERE local_date BETWEEN $1 AND $2`,
      [from, to],
    )) as { visits: number; activePatrons: number; o2oUsers: number }[];
    return r;
  }
}
