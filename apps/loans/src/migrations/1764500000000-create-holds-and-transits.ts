import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Holds, transits and floating rules (return anywhere). Also the record id on loans, so a checkin can
 * look for title-level holds without asking the catalog.
 */
export class CreateHoldsAndTransits1764500000000 implements MigrationInterface {
  name = 'CreateHoldsAndTransits1764500000000';

  async up(q: QueryRunner): Promise<void> {
    // null on loans made before this migration: their checkin asks the catalog once
    await q.query(`ALTER TABLE loans.loans ADD COLUMN record_id uuid`);

    await q.query(`CREATE TABLE loans.holds (
      id uuid PRIMARY KEY,
      patron_agency text NOT NULL,
      patron_barcode text NOT NULL,
      patron_type text NOT NULL,
      level text NOT NULL CHECK (level IN ('title','item')),
      record_id uuid NOT NULL,
      item_agency text,
      item_barcode text,
      title text NOT NULL,
      agency text NOT NULL,
      pickup_branch text NOT NULL,
      status text NOT NULL CHECK (status IN ('waiting','in_transit','ready','fulfilled','cancelled','expired')),
      priority int NOT NULL DEFAULT 0 CHECK (priority BETWEEN 0 AND 100),
      placed_by text NOT NULL CHECK (placed_by IN ('patron','staff')),
      channel text NOT NULL,
      placed_at timestamptz NOT NULL,
      not_needed_after date,
      trapped_item_agency text,
      trapped_item_barcode text,
      trapped_home_branch text,
      trapped_item_type text,
      trapped_at timestamptz,
      ready_at timestamptz,
      pickup_deadline timestamptz,
      shelf_cleared_at timestamptz,
      ended_at timestamptz,
      end_reason text,
      loan_id uuid,
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((level = 'item') = (item_barcode IS NOT NULL)),
      CHECK (status NOT IN ('in_transit','ready') OR trapped_item_barcode IS NOT NULL),
      CHECK (status <> 'ready' OR pickup_deadline IS NOT NULL)
    )`);
    // the queue of a title: the first waiting hold is one index step away (checkin, renewal check)
    await q.query(
      `CREATE INDEX holds_queue_idx ON loans.holds (record_id, priority DESC, placed_at, id) WHERE status = 'waiting'`,
    );
    // one active hold per patron and title (duplicates refused by the database); also the summary count
    await q.query(`CREATE UNIQUE INDEX holds_patron_record_active_key ON loans.holds (patron_agency, patron_barcode, record_id)
      WHERE status IN ('waiting','in_transit','ready')`);
    // a copy is set aside for at most one hold at a time
    await q.query(`CREATE UNIQUE INDEX holds_trapped_item_key ON loans.holds (trapped_item_agency, trapped_item_barcode)
      WHERE status IN ('in_transit','ready')`);
    // hold shelf per branch, and the expiry job (deadline order)
    await q.query(
      `CREATE INDEX holds_shelf_idx ON loans.holds (pickup_branch, pickup_deadline) WHERE status = 'ready'`,
    );
    await q.query(`CREATE INDEX holds_pickup_deadline_idx ON loans.holds (pickup_deadline) WHERE status = 'ready'`);
    // ended while on the shelf and not yet taken off it ("pull" entries); cleared by the next scan of the item
    await q.query(`CREATE INDEX holds_to_pull_idx ON loans.holds (trapped_item_agency, trapped_item_barcode)
      WHERE shelf_cleared_at IS NULL AND status IN ('expired','cancelled')`);
    await q.query(
      `CREATE INDEX holds_not_needed_idx ON loans.holds (not_needed_after) WHERE status = 'waiting' AND not_needed_after IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX holds_item_idx ON loans.holds (item_agency, item_barcode) WHERE item_barcode IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX holds_patron_history_idx ON loans.holds (patron_agency, patron_barcode, placed_at DESC, id DESC)`,
    );

    // default queue priority by patron type (higher first); staff may set one explicitly per hold
    await q.query(`CREATE TABLE loans.hold_priority_rules (
      patron_type text PRIMARY KEY,
      priority int NOT NULL CHECK (priority BETWEEN 0 AND 100),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`INSERT INTO loans.hold_priority_rules (patron_type, priority) VALUES ('visually_impaired', 10)`);

    await q.query(`CREATE TABLE loans.transits (
      id uuid PRIMARY KEY,
      item_agency text NOT NULL,
      item_barcode text NOT NULL,
      title text NOT NULL,
      from_branch text NOT NULL,
      to_branch text NOT NULL,
      reason text NOT NULL CHECK (reason IN ('home','hold')),
      hold_id uuid,
      status text NOT NULL CHECK (status IN ('open','received','cancelled')),
      sent_at timestamptz NOT NULL,
      received_at timestamptz,
      received_branch text,
      CHECK (from_branch <> to_branch)
    )`);
    await q.query(
      `CREATE UNIQUE INDEX transits_open_item_key ON loans.transits (item_agency, item_barcode) WHERE status = 'open'`,
    );
    await q.query(`CREATE INDEX transits_open_to_idx ON loans.transits (to_branch, sent_at) WHERE status = 'open'`);
    await q.query(`CREATE INDEX transits_open_from_idx ON loans.transits (from_branch, sent_at) WHERE status = 'open'`);
    await q.query(`CREATE INDEX transits_sent_idx ON loans.transits (sent_at DESC, id DESC)`);

    // no rows: every item goes home. Deployments (and the demo seed) declare what floats.
    await q.query(`CREATE TABLE loans.floating_rules (
      agency text NOT NULL,
      item_type text NOT NULL,
      floats boolean NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (agency, item_type)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE loans.floating_rules`);
    await q.query(`DROP TABLE loans.transits`);
    await q.query(`DROP TABLE loans.hold_priority_rules`);
    await q.query(`DROP TABLE loans.holds`);
    await q.query(`ALTER TABLE loans.loans DROP COLUMN record_id`);
  }
}
