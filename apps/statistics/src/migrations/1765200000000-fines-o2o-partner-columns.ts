import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fines, O2O and partner loans as circulation actions: a row may carry money (`amount_fen`, integer
 * fen: a fine paid or waived), a number of books (`item_count`: the copies an O2O collection lent; 1
 * for every other action) and a `detail` (fine kind, partner loan kind). The daily rollup sums both, so
 * amounts and books of a year come from the rollup like the counts do.
 */
export class FinesO2oPartnerColumns1765200000000 implements MigrationInterface {
  name = 'FinesO2oPartnerColumns1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE statistics.circulation_actions
      ADD COLUMN amount_fen bigint, ADD COLUMN item_count integer NOT NULL DEFAULT 1, ADD COLUMN detail text`);
    await q.query(`ALTER TABLE statistics.daily_circulation
      ADD COLUMN amount_fen bigint NOT NULL DEFAULT 0, ADD COLUMN item_count bigint`);
    // every row counted so far was one book (or none) per action
    await q.query(`UPDATE statistics.daily_circulation SET item_count = count`);
    await q.query(
      `ALTER TABLE statistics.daily_circulation ALTER COLUMN item_count SET NOT NULL, ALTER COLUMN item_count SET DEFAULT 0`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE statistics.daily_circulation DROP COLUMN item_count, DROP COLUMN amount_fen`);
    await q.query(
      `ALTER TABLE statistics.circulation_actions DROP COLUMN detail, DROP COLUMN item_count, DROP COLUMN amount_fen`,
    );
  }
}
