import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A version per item row, raised by every change: the item events carry it, so a copy of an item's
 * state elsewhere (loans' item projection) never lets an older event overwrite a newer state.
 */
export class ItemVersion1764900000000 implements MigrationInterface {
  name = 'ItemVersion1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE catalog.items ADD COLUMN version integer NOT NULL DEFAULT 1`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE catalog.items DROP COLUMN version`);
  }
}
