import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Part A of the branch-network circulation rules: the full policy matrix (per-branch limits, holds
 * allowed, fines, grace, fine blocks, replacement fees), opening calendars and closures, fines and
 * their payments/waivers, lost and claimed-returned loans.
 */
export class CirculationPolicyCalendarsFines1764400000000 implements MigrationInterface {
  name = 'CirculationPolicyCalendarsFines1764400000000';

  async up(q: QueryRunner): Promise<void> {
    // --- policy matrix: the rest of a rule row ---------------------------------------------------
    await q.query(`ALTER TABLE loans.loan_rules
      ADD COLUMN max_items_per_branch int CHECK (max_items_per_branch >= 0),
      ADD COLUMN holds_allowed boolean NOT NULL DEFAULT true,
      ADD COLUMN fine_per_day_fen int NOT NULL DEFAULT 0 CHECK (fine_per_day_fen >= 0),
      ADD COLUMN fine_cap_fen int NOT NULL DEFAULT 0 CHECK (fine_cap_fen >= 0),
      ADD COLUMN grace_days int NOT NULL DEFAULT 0 CHECK (grace_days >= 0),
      ADD COLUMN fine_block_threshold_fen int CHECK (fine_block_threshold_fen > 0),
      ADD COLUMN lost_item_fee_fen int NOT NULL DEFAULT 5000 CHECK (lost_item_fee_fen >= 0)`);
    // the seeded network defaults get the usual public-library terms: 0.10 yuan a day, capped at 30
    // yuan per loan, borrowing blocked from 10 yuan owed (children: half the rate, same block)
    await q.query(`UPDATE loans.loan_rules SET fine_per_day_fen = CASE WHEN patron_type = 'child' THEN 5 ELSE 10 END,
      fine_cap_fen = 3000, fine_block_threshold_fen = 1000
      WHERE scope = '*' AND id IN ('default', 'children', 'audiovisual', 'periodical', 'children-audiovisual', 'children-periodical')`);

    // --- loans: the calendar that set the due day, lost / claimed returned / found ---------------
    await q.query(`ALTER TABLE loans.loans
      ADD COLUMN due_branch text,
      ADD COLUMN lost_at timestamptz,
      ADD COLUMN claimed_returned_at timestamptz,
      ADD COLUMN found_at timestamptz`);
    // null means "the checkout branch" (older rows, or a writer that does not know the column)
    await q.query(`UPDATE loans.loans SET due_branch = checkout_branch WHERE due_branch IS NULL`);
    // per-owning-branch limit: counted from an index, like the overall limit
    await q.query(
      `CREATE INDEX loans_open_patron_owner_idx ON loans.loans (patron_agency, patron_barcode, owning_branch) WHERE returned_at IS NULL`,
    );
    // closures select open loans by due day range
    await q.query(`CREATE INDEX loans_open_due_date_idx ON loans.loans (due_date) WHERE returned_at IS NULL`);
    // a lost item that turns up: its last lost loan
    await q.query(
      `CREATE INDEX loans_lost_item_idx ON loans.loans (item_agency, item_barcode, lost_at DESC) WHERE lost_at IS NOT NULL`,
    );

    // --- calendars ----------------------------------------------------------------------------------
    await q.query(`CREATE TABLE loans.branch_calendars (
      branch text PRIMARY KEY,
      weekly_hours jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE loans.closures (
      id uuid PRIMARY KEY,
      branch text,
      start_date date NOT NULL,
      end_date date NOT NULL,
      kind text NOT NULL CHECK (kind IN ('closure', 'holiday')),
      reason text NOT NULL,
      loans_moved int NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (end_date >= start_date)
    )`);
    await q.query(`CREATE INDEX closures_branch_idx ON loans.closures (branch, end_date)`);

    // --- fines ----------------------------------------------------------------------------------------
    await q.query(`CREATE TABLE loans.fines (
      id uuid PRIMARY KEY,
      patron_agency text NOT NULL,
      patron_barcode text NOT NULL,
      loan_id uuid REFERENCES loans.loans (id),
      item_agency text,
      item_barcode text,
      title text,
      kind text NOT NULL CHECK (kind IN ('overdue', 'lost_item')),
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'paid', 'waived')),
      amount_fen int NOT NULL CHECK (amount_fen > 0),
      paid_fen int NOT NULL DEFAULT 0 CHECK (paid_fen >= 0),
      waived_fen int NOT NULL DEFAULT 0 CHECK (waived_fen >= 0),
      chargeable_days int,
      block_threshold_fen int,
      note text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      closed_at timestamptz,
      CHECK (paid_fen + waived_fen <= amount_fen),
      CHECK ((status = 'open') = (paid_fen + waived_fen < amount_fen))
    )`);
    // one overdue fine and one replacement fee per loan: assessing twice (a retried checkin) is a no-op
    await q.query(`CREATE UNIQUE INDEX fines_loan_kind_key ON loans.fines (loan_id, kind) WHERE loan_id IS NOT NULL`);
    // what a patron owes and the lowest block threshold among those fines: one index-only pass
    await q.query(`CREATE INDEX fines_open_patron_idx ON loans.fines (patron_agency, patron_barcode, created_at)
      INCLUDE (amount_fen, paid_fen, waived_fen, block_threshold_fen) WHERE status = 'open'`);
    await q.query(
      `CREATE INDEX fines_patron_history_idx ON loans.fines (patron_agency, patron_barcode, created_at DESC, id DESC)`,
    );

    await q.query(`CREATE TABLE loans.fine_transactions (
      id uuid PRIMARY KEY,
      fine_id uuid NOT NULL REFERENCES loans.fines (id),
      patron_agency text NOT NULL,
      patron_barcode text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('payment', 'waiver')),
      amount_fen int NOT NULL CHECK (amount_fen > 0),
      payment_type text,
      transaction_id text,
      branch text,
      channel text,
      actor text,
      note text,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((kind = 'payment') = (payment_type IS NOT NULL))
    )`);
    await q.query(`CREATE INDEX fine_transactions_fine_idx ON loans.fine_transactions (fine_id, created_at)`);
    // a retried payment (SIP2 resend, app retry) is recognised by its transaction id
    await q.query(`CREATE INDEX fine_transactions_txid_idx ON loans.fine_transactions (patron_agency, patron_barcode, transaction_id)
      WHERE transaction_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE loans.fine_transactions`);
    await q.query(`DROP TABLE loans.fines`);
    await q.query(`DROP TABLE loans.closures`);
    await q.query(`DROP TABLE loans.branch_calendars`);
    await q.query(`DROP INDEX loans.loans_lost_item_idx`);
    await q.query(`DROP INDEX loans.loans_open_due_date_idx`);
    await q.query(`DROP INDEX loans.loans_open_patron_owner_idx`);
    await q.query(
      `ALTER TABLE loans.loans DROP COLUMN due_branch, DROP COLUMN lost_at, DROP COLUMN claimed_returned_at, DROP COLUMN found_at`,
    );
    await q.query(`ALTER TABLE loans.loan_rules DROP COLUMN max_items_per_branch, DROP COLUMN holds_allowed, DROP COLUMN fine_per_day_fen,
      DROP COLUMN fine_cap_fen, DROP COLUMN grace_days, DROP COLUMN fine_block_threshold_fen, DROP COLUMN lost_item_fee_fen`);
  }
}
