import { randomBytes } from 'node:crypto';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lockers and compartments, orders (one parcel each) and their copies, the timeline, idempotent
 * request replies, the notifier's sent notices and the key that seals pickup codes for notices.
 */
export class OrdersLockersTimeline1764700000000 implements MigrationInterface {
  name = 'OrdersLockersTimeline1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE delivery.lockers (
      code text PRIMARY KEY,
      agency text NOT NULL,
      name text NOT NULL,
      address text NOT NULL,
      branch text NOT NULL,
      pickup_hours int NOT NULL DEFAULT 72 CHECK (pickup_hours > 0),
      online boolean NOT NULL DEFAULT true,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE delivery.compartments (
      locker_code text NOT NULL REFERENCES delivery.lockers(code),
      number int NOT NULL,
      size text NOT NULL CHECK (size IN ('S','L')),
      state text NOT NULL DEFAULT 'free' CHECK (state IN ('free','occupied','open','disabled')),
      order_id uuid,
      PRIMARY KEY (locker_code, number),
      CHECK ((state = 'free') = (order_id IS NULL) OR state = 'disabled')
    )`);
    // a parcel is in at most one compartment
    await q.query(
      `CREATE UNIQUE INDEX compartments_order_key ON delivery.compartments (order_id) WHERE order_id IS NOT NULL`,
    );

    await q.query(`CREATE TABLE delivery.orders (
      id uuid PRIMARY KEY,
      patron_agency text NOT NULL,
      patron_barcode text NOT NULL,
      mode text NOT NULL CHECK (mode IN ('locker','home')),
      status text NOT NULL,
      locker_code text REFERENCES delivery.lockers(code),
      compartment int,
      stock_location text NOT NULL,
      address text,
      phone text,
      pickup_deadline timestamptz,
      code_hash text,
      code_expires_at timestamptz,
      code_failures int NOT NULL DEFAULT 0,
      code_locked boolean NOT NULL DEFAULT false,
      reminded_at timestamptz,
      carrier text,
      tracking_number text,
      fee_fen int,
      subsidy_fen int,
      placed_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      CHECK ((mode = 'locker') = (locker_code IS NOT NULL)),
      CHECK (mode = 'locker' OR address IS NOT NULL)
    )`);
    await q.query(`CREATE INDEX orders_patron_idx ON delivery.orders (patron_agency, patron_barcode, placed_at DESC)`);
    await q.query(`CREATE INDEX orders_status_idx ON delivery.orders (status, placed_at)`);
    await q.query(`CREATE INDEX orders_deadline_idx ON delivery.orders (pickup_deadline) WHERE status = 'in_locker'`);
    await q.query(
      `CREATE INDEX orders_waiting_idx ON delivery.orders (locker_code, updated_at) WHERE status = 'awaiting_compartment'`,
    );

    await q.query(`CREATE TABLE delivery.order_items (
      order_id uuid NOT NULL REFERENCES delivery.orders(id),
      position int NOT NULL,
      record_id uuid NOT NULL,
      title text NOT NULL,
      item_agency text NOT NULL,
      item_barcode text NOT NULL,
      shelf_location text,
      state text NOT NULL CHECK (state IN ('reserved','loaned','returned','released')),
      hold_id uuid,
      loan_id uuid,
      due_date date,
      overdue_noticed_at timestamptz,
      PRIMARY KEY (order_id, position)
    )`);
    // a copy belongs to at most one open order (the loans hold is the authority; this is the second wall)
    await q.query(
      `CREATE UNIQUE INDEX order_items_reserved_key ON delivery.order_items (item_agency, item_barcode) WHERE state = 'reserved'`,
    );
    await q.query(
      `CREATE INDEX order_items_loaned_idx ON delivery.order_items (item_agency, item_barcode) WHERE state = 'loaned'`,
    );
    // the overdue notice job: lent copies past their due day, not yet noticed
    await q.query(
      `CREATE INDEX order_items_overdue_idx ON delivery.order_items (due_date) WHERE state = 'loaned' AND overdue_noticed_at IS NULL`,
    );

    await q.query(`CREATE TABLE delivery.timeline (
      id bigserial PRIMARY KEY,
      order_id uuid NOT NULL REFERENCES delivery.orders(id),
      at timestamptz NOT NULL,
      action text NOT NULL,
      status text NOT NULL,
      actor_kind text NOT NULL,
      actor_id text NOT NULL,
      location text,
      detail jsonb NOT NULL DEFAULT '{}'
    )`);
    await q.query(`CREATE INDEX timeline_order_idx ON delivery.timeline (order_id, id)`);

    // same request id → same answer, no second effect (device and staff calls)
    await q.query(`CREATE TABLE delivery.requests (
      request_id text PRIMARY KEY,
      operation text NOT NULL,
      actor text NOT NULL,
      reply jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);

    // the notifier's idempotency: one notice per event
    await q.query(`CREATE TABLE delivery.notices (
      event_id uuid PRIMARY KEY,
      order_id uuid NOT NULL,
      template text NOT NULL,
      channel text NOT NULL,
      recipient text NOT NULL,
      sent_at timestamptz NOT NULL DEFAULT now()
    )`);

    // AES key that seals a pickup code in the parcel-ready event for the notifier (shared by replicas)
    await q.query(`CREATE TABLE delivery.seal_keys (id int PRIMARY KEY CHECK (id = 1), key bytea NOT NULL)`);
    await q.query(`INSERT INTO delivery.seal_keys (id, key) VALUES (1, $1)`, [randomBytes(32)]);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'seal_keys',
      'notices',
      'requests',
      'timeline',
      'order_items',
      'orders',
      'compartments',
      'lockers',
    ])
      await q.query(`DROP TABLE delivery.${t}`);
  }
}
