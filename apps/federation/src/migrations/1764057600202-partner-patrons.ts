import { MigrationInterface, QueryRunner } from 'typeorm';

/** Partner readers seen here: what the agreement needs (not a patron copy), refreshed at each home check. */
export class PartnerPatrons1764057600202 implements MigrationInterface {
  name = 'PartnerPatrons1764057600202';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE federation.partner_patrons (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(), home text NOT NULL, barcode text NOT NULL, name text NOT NULL,
      patron_type text NOT NULL, valid_to date, home_status text NOT NULL, verified_offline boolean NOT NULL DEFAULT false,
      verified_at timestamptz NOT NULL DEFAULT now(), created_at timestamptz NOT NULL DEFAULT now(), UNIQUE (home, barcode))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE federation.partner_patrons`);
  }
}
