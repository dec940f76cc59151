import { outboxTableSql } from '@app/common';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePatronsSchema1764230400000 implements MigrationInterface {
  name = 'CreatePatronsSchema1764230400000';

  async up(q: QueryRunner): Promise<void> {
    // pg_trgm makes `name ILIKE '%q%'` indexable. It is a trusted extension (PG13+), so the service's
    // own role may create it. Note: trigrams need a UTF-8 LC_CTYPE to split CJK names; in a C-locale
    // database Chinese names yield no trigrams and the search falls back to a scan (still correct).
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public`);
    await q.query(`CREATE TABLE patrons.patrons (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      agency text NOT NULL,
      barcode text NOT NULL,
      name text NOT NULL,
      patron_type text NOT NULL
        CHECK (patron_type IN ('adult','child','senior','student','visually_impaired','staff','partner_library')),
      home_branch text NOT NULL,
      card_expires_on date NOT NULL,
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','inactive')),
      blocks text[] NOT NULL DEFAULT '{}'
        CHECK (blocks <@ ARRAY['card_lost','manual','fines','overdue']::text[]),
      block_details jsonb NOT NULL DEFAULT '{}',
      pin_hash text NOT NULL,
      pin_failed_count int NOT NULL DEFAULT 0 CHECK (pin_failed_count >= 0),
      pin_failed_window_start timestamptz,
      pin_changed_at timestamptz NOT NULL DEFAULT now(),
      email text,
      phone text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT patrons_agency_barcode_key UNIQUE (agency, barcode)
    )`);
    // barcode prefix search (LIKE 'P00%') needs pattern ops unless the database collation is C
    await q.query(`CREATE INDEX patrons_barcode_prefix_idx ON patrons.patrons (barcode text_pattern_ops)`);
    await q.query(`CREATE INDEX patrons_name_trgm_idx ON patrons.patrons USING gin (name public.gin_trgm_ops)`);
    for (const sql of outboxTableSql('patrons')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE patrons.outbox`);
    await q.query(`DROP TABLE patrons.patrons`);
  }
}
