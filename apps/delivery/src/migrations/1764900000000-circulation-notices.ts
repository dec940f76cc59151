import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Circulation notices (hold ready, loan recalled) share the notices table with O2O ones: they have no
 * order, and a `reference` (what the notice is about, and its deadline) that is sent at most once.
 */
export class CirculationNotices1764900000000 implements MigrationInterface {
  name = 'CirculationNotices1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE delivery.notices ALTER COLUMN order_id DROP NOT NULL`);
    await q.query(`ALTER TABLE delivery.notices ADD COLUMN reference text`);
    await q.query(`CREATE UNIQUE INDEX notices_reference_key ON delivery.notices (reference)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX delivery.notices_reference_key`);
    await q.query(`ALTER TABLE delivery.notices DROP COLUMN reference`);
    await q.query(`DELETE FROM delivery.notices WHERE order_id IS NULL`);
    await q.query(`ALTER TABLE delivery.notices ALTER COLUMN order_id SET NOT NULL`);
  }
}
