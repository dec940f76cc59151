import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Wrong PINs counted per (card, origin): a terminal, an HTTP key, a channel. An attacker guessing at one
 * kiosk throttles the card at that kiosk only; the card-wide counter on the patron row stays as a higher
 * ceiling against guessing spread over many origins.
 */
export class PinFailuresByOrigin1764403200000 implements MigrationInterface {
  name = 'PinFailuresByOrigin1764403200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE patrons.pin_failures (
      patron_id uuid NOT NULL REFERENCES patrons.patrons(id) ON DELETE CASCADE,
      origin text NOT NULL,
      failed_count int NOT NULL CHECK (failed_count >= 0),
      window_start timestamptz NOT NULL,
      last_failed_at timestamptz NOT NULL,
      PRIMARY KEY (patron_id, origin)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE patrons.pin_failures`);
  }
}
