import { outboxTableSql } from '@app/common';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Statistics: one immutable row per circulation action (natural key `action_key`, so a replayed event
 * or a backfill of the same loan never counts twice), and rollups maintained in the same statement
 * (daily by branch/channel/action/types, hourly for the heat map). Patrons appear only as a keyed hash.
 */
export class CreateStatisticsSchema1765000000000 implements MigrationInterface {
  name = 'CreateStatisticsSchema1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE statistics.circulation_actions (
        id bigserial PRIMARY KEY,
        action_key text NOT NULL UNIQUE,
        event_id uuid,
        action text NOT NULL,
        occurred_at timestamptz NOT NULL,
        local_date date NOT NULL,
        local_hour smallint NOT NULL,
        iso_dow smallint NOT NULL,
        branch text NOT NULL,
        channel text NOT NULL,
        raw_channel text,
        item_agency text NOT NULL,
        owning_branch text NOT NULL,
        item_type text NOT NULL,
        patron_agency text NOT NULL,
        patron_type text NOT NULL,
        patron_hash text,
        loan_id uuid,
        source text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX circulation_actions_date_idx ON statistics.circulation_actions (local_date, action)`);
    await q.query(`
      CREATE TABLE statistics.daily_circulation (
        local_date date NOT NULL,
        action text NOT NULL,
        branch text NOT NULL,
        channel text NOT NULL,
        item_agency text NOT NULL,
        owning_branch text NOT NULL,
        item_type text NOT NULL,
        patron_agency text NOT NULL,
        patron_type text NOT NULL,
        count bigint NOT NULL,
        PRIMARY KEY (local_date, action, branch, channel, item_agency, owning_branch, item_type, patron_agency, patron_type)
      )`);
    await q.query(`
      CREATE TABLE statistics.hourly_circulation (
        local_date date NOT NULL,
        local_hour smallint NOT NULL,
        iso_dow smallint NOT NULL,
        action text NOT NULL,
        branch text NOT NULL,
        channel text NOT NULL,
        count bigint NOT NULL,
        PRIMARY KEY (local_date, local_hour, action, branch, channel)
      )`);
    // one row per patron and day with a checkout: borrowing visits (外借人次) and active patrons
    await q.query(`
      CREATE TABLE statistics.patron_days (
        local_date date NOT NULL,
        patron_hash text NOT NULL,
        patron_agency text NOT NULL,
        patron_type text NOT NULL,
        channels text[] NOT NULL DEFAULT '{}',
        PRIMARY KEY (local_date, patron_hash)
      )`);
    // holdings for turnover, from catalog item events (and the backfill)
    await q.query(`
      CREATE TABLE statistics.items (
        agency text NOT NULL,
        barcode text NOT NULL,
        item_type text NOT NULL,
        home_branch text NOT NULL,
        withdrawn boolean NOT NULL DEFAULT false,
        changed_at timestamptz NOT NULL,
        PRIMARY KEY (agency, barcode)
      )`);
    for (const sql of outboxTableSql('statistics')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'outbox',
      'items',
      'patron_days',
      'hourly_circulation',
      'daily_circulation',
      'circulation_actions',
    ])
      await q.query(`DROP TABLE statistics.${t}`);
  }
}
