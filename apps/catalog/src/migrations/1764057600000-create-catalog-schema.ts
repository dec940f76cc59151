import { outboxTableSql } from '@app/common';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCatalogSchema1764057600000 implements MigrationInterface {
  name = 'CreateCatalogSchema1764057600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE catalog.agencies (
      isil text PRIMARY KEY,
      name text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('member','partner')),
      timezone text NOT NULL DEFAULT 'Asia/Shanghai',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE catalog.branches (
      code text PRIMARY KEY,
      agency text NOT NULL REFERENCES catalog.agencies(isil),
      name text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('central','branch','self_service_24h','locker')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX branches_agency_idx ON catalog.branches (agency)`);
    await q.query(`CREATE TABLE catalog.records (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      title text NOT NULL,
      author text,
      isbn text,
      publisher text,
      year int,
      clc_call_number text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX records_isbn_idx ON catalog.records (isbn) WHERE isbn IS NOT NULL`);
    await q.query(`CREATE INDEX records_title_prefix_idx ON catalog.records (title text_pattern_ops)`);
    await q.query(`CREATE TABLE catalog.items (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      agency text NOT NULL,
      barcode text NOT NULL,
      record_id uuid NOT NULL REFERENCES catalog.records(id),
      item_type text NOT NULL,
      home_branch text NOT NULL,
      current_location text NOT NULL,
      shelf_location text,
      status text NOT NULL DEFAULT 'available',
      loanable boolean NOT NULL DEFAULT true,
      price_fen int CHECK (price_fen >= 0),
      status_changed_at timestamptz NOT NULL DEFAULT now(),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT items_agency_barcode_key UNIQUE (agency, barcode)
    )`);
    await q.query(`CREATE INDEX items_record_idx ON catalog.items (record_id)`);
    await q.query(`CREATE INDEX items_barcode_idx ON catalog.items (barcode)`);
    await q.query(`CREATE INDEX items_location_idx ON catalog.items (current_location)`);
    for (const sql of outboxTableSql('catalog')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE catalog.outbox`);
    await q.query(`DROP TABLE catalog.items`);
    await q.query(`DROP TABLE catalog.records`);
    await q.query(`DROP TABLE catalog.branches`);
    await q.query(`DROP TABLE catalog.agencies`);
  }
}
