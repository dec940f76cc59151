import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * loans' copy of what circulation needs of each item (type, owner, home branch, record, title,
 * status, loanability), fed by the catalog's item events and backfilled from the catalog over NATS
 * (docs/circulation.md, "The item projection"). `version` is the catalog row's: an older state never
 * overwrites a newer one.
 */
export class ItemProjection1764960000000 implements MigrationInterface {
  name = 'ItemProjection1764960000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE loans.items (
      agency text NOT NULL,
      barcode text NOT NULL,
      item_id uuid NOT NULL,
      record_id uuid NOT NULL,
      title text NOT NULL,
      item_type text NOT NULL,
      home_branch text NOT NULL,
      status text NOT NULL,
      loanable boolean NOT NULL,
      version integer NOT NULL,
      synced_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (agency, barcode)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE loans.items`);
  }
}
