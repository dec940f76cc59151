import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Items and records kept out of reader-facing search (`suppressed`): the temporary copies of partners'
 * items lent to us for an interlibrary request, and their stub records. Staff still find them by barcode.
 */
export class SuppressedItems1765200000000 implements MigrationInterface {
  name = 'SuppressedItems1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE catalog.items ADD COLUMN suppressed boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE catalog.records ADD COLUMN suppressed boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE catalog.records DROP COLUMN suppressed`);
    await q.query(`ALTER TABLE catalog.items DROP COLUMN suppressed`);
  }
}
