import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Staff resolve exceptions (docs/circulation.md, "Exceptions list"): who resolved one and their note
 * are kept beside `resolved_at`, all three set together or none.
 */
export class ResolveCirculationExceptions1764860000000 implements MigrationInterface {
  name = 'ResolveCirculationExceptions1764860000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE loans.circulation_exceptions ADD COLUMN resolved_by text, ADD COLUMN resolution_note text`,
    );
    // nothing set resolved_at before this migration; a row that has it anyway gets an honest author
    await q.query(
      `UPDATE loans.circulation_exceptions SET resolved_by = 'unknown', resolution_note = '' WHERE resolved_at IS NOT NULL`,
    );
    await q.query(`ALTER TABLE loans.circulation_exceptions ADD CONSTRAINT circulation_exceptions_resolution_ck
      CHECK ((resolved_at IS NULL) = (resolved_by IS NULL) AND (resolved_at IS NULL) = (resolution_note IS NULL))`);
    await q.query(
      `CREATE INDEX circulation_exceptions_resolved_idx ON loans.circulation_exceptions (resolved_at DESC) WHERE resolved_at IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX loans.circulation_exceptions_resolved_idx`);
    await q.query(`ALTER TABLE loans.circulation_exceptions DROP CONSTRAINT circulation_exceptions_resolution_ck`);
    await q.query(`ALTER TABLE loans.circulation_exceptions DROP COLUMN resolution_note, DROP COLUMN resolved_by`);
  }
}
