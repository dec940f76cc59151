import { outboxTableSql } from '@app/common';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateLoansSchema1764144000000 implements MigrationInterface {
  name = 'CreateLoansSchema1764144000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE loans.loans (
      id uuid PRIMARY KEY,
      patron_agency text NOT NULL,
      patron_barcode text NOT NULL,
      patron_type text NOT NULL,
      item_agency text NOT NULL,
      item_barcode text NOT NULL,
      item_id uuid NOT NULL,
      title text NOT NULL,
      item_type text NOT NULL,
      owning_branch text NOT NULL,
      checkout_branch text NOT NULL,
      channel text NOT NULL,
      rule_id text NOT NULL,
      checked_out_at timestamptz NOT NULL,
      due_at timestamptz NOT NULL,
      due_date date NOT NULL,
      renewals int NOT NULL DEFAULT 0 CHECK (renewals >= 0),
      last_renewed_at timestamptz,
      returned_at timestamptz,
      return_branch text,
      return_channel text,
      CHECK (returned_at IS NULL OR returned_at >= checked_out_at)
    )`);
    // the rule "an item is out to at most one patron" lives here, so racing desks/kiosks cannot break it
    await q.query(
      `CREATE UNIQUE INDEX loans_open_item_key ON loans.loans (item_agency, item_barcode) WHERE returned_at IS NULL`,
    );
    // open loans per patron: the too-many-items count and the overdue summary (index-only with due_at)
    await q.query(
      `CREATE INDEX loans_open_patron_idx ON loans.loans (patron_agency, patron_barcode, due_at) WHERE returned_at IS NULL`,
    );
    // a patron's history, newest first
    await q.query(
      `CREATE INDEX loans_patron_history_idx ON loans.loans (patron_agency, patron_barcode, checked_out_at DESC, id DESC)`,
    );

    await q.query(`CREATE TABLE loans.loan_rules (
      id text PRIMARY KEY,
      scope text NOT NULL DEFAULT '*',
      patron_type text NOT NULL DEFAULT '*',
      item_type text NOT NULL DEFAULT '*',
      loan_days int NOT NULL CHECK (loan_days > 0),
      max_items int NOT NULL CHECK (max_items >= 0),
      max_renewals int NOT NULL CHECK (max_renewals >= 0),
      renewal_days int NOT NULL CHECK (renewal_days > 0),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT loan_rules_key UNIQUE (scope, patron_type, item_type)
    )`);
    // Network-wide defaults. Facet pairs (children × audiovisual …) get their own rows because a rule
    // is matched as a whole row (see domain/loan-rule.ts).
    await q.query(`INSERT INTO loans.loan_rules (id, scope, patron_type, item_type, loan_days, max_items, max_renewals, renewal_days) VALUES
      ('default',               '*', '*',     '*',           30, 20, 1, 30),
      ('children',              '*', 'child', '*',           30, 15, 1, 30),
      ('audiovisual',           '*', '*',     'audiovisual', 14, 20, 1, 14),
      ('periodical',            '*', '*',     'periodical',  14, 20, 1, 14),
      ('children-audiovisual',  '*', 'child', 'audiovisual', 14, 15, 1, 14),
      ('children-periodical',   '*', 'child', 'periodical',  14, 15, 1, 14)`);
    for (const sql of outboxTableSql('loans')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE loans.outbox`);
    await q.query(`DROP TABLE loans.loan_rules`);
    await q.query(`DROP TABLE loans.loans`);
  }
}
