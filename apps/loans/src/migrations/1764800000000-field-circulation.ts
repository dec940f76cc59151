import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Circulation that survives the field (docs/circulation.md): idempotency keys stored with the outcome
 * of each write, the deadline guard, offline loans and the staff exceptions list, the "no renewal
 * before N days before due" rule.
 */
export class FieldCirculation1764800000000 implements MigrationInterface {
  name = 'FieldCirculation1764800000000';

  async up(q: QueryRunner): Promise<void> {
    // one row per idempotency key: the stored reply of a committed write, or a tombstone ('abandoned')
    // a caller wrote when it gave up, so a copy of the write still in flight can never commit
    await q.query(`CREATE TABLE loans.idempotency_keys (
      key text PRIMARY KEY,
      subject text,
      fingerprint text,
      state text NOT NULL CHECK (state IN ('committed', 'abandoned', 'compensated')),
      reply jsonb,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX idempotency_keys_created_idx ON loans.idempotency_keys (created_at)`);
    // the write's idempotency row goes in with its COMMIT and passes through this guard: past the
    // caller's deadline the statement fails and so does the whole transaction (SQLSTATE LD001)
    await q.query(`CREATE FUNCTION loans.idempotency_guard(deadline timestamptz) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        IF deadline IS NOT NULL AND clock_timestamp() > deadline THEN
          RAISE EXCEPTION 'deadline % passed', deadline USING ERRCODE = 'LD001';
        END IF;
        RETURN 'committed';
      END $$`);

    await q.query(`ALTER TABLE loans.loans ADD COLUMN offline boolean NOT NULL DEFAULT false`);

    await q.query(`CREATE TABLE loans.circulation_exceptions (
      id uuid PRIMARY KEY,
      reason text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('checkout', 'checkin', 'renew')),
      source text NOT NULL,
      branch text NOT NULL,
      item_agency text NOT NULL,
      item_barcode text NOT NULL,
      patron_agency text,
      patron_barcode text,
      transaction_at timestamptz NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      message text NOT NULL,
      loan_id uuid,
      idempotency_key text,
      resolved_at timestamptz
    )`);
    await q.query(
      `CREATE INDEX circulation_exceptions_open_idx ON loans.circulation_exceptions (branch, recorded_at DESC) WHERE resolved_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX circulation_exceptions_recorded_idx ON loans.circulation_exceptions (recorded_at DESC)`,
    );

    // null: renewals allowed any time before the limit (the behaviour before this rule existed)
    await q.query(`ALTER TABLE loans.loan_rules ADD COLUMN renew_within_days int CHECK (renew_within_days >= 0)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE loans.loan_rules DROP COLUMN renew_within_days`);
    await q.query(`DROP TABLE loans.circulation_exceptions`);
    await q.query(`ALTER TABLE loans.loans DROP COLUMN offline`);
    await q.query(`DROP FUNCTION loans.idempotency_guard(timestamptz)`);
    await q.query(`DROP TABLE loans.idempotency_keys`);
  }
}
