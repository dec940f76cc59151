import { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-terminal SIP2 profile flags (docs/sip2.md §2.1); the defaults are the behaviour before profiles existed. */
export class TerminalProfiles1764800000000 implements MigrationInterface {
  name = 'TerminalProfiles1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sip2.terminals
      ADD COLUMN checkin_not_on_loan_ok boolean NOT NULL DEFAULT true,
      ADD COLUMN checkin_traps_holds boolean NOT NULL DEFAULT true,
      ADD COLUMN contact_without_pin boolean NOT NULL DEFAULT false,
      ADD COLUMN language_field text NOT NULL DEFAULT 'patron' CHECK (language_field IN ('patron','echo')),
      ADD COLUMN screen_language text NOT NULL DEFAULT 'both' CHECK (screen_language IN ('both','zh','en'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sip2.terminals DROP COLUMN checkin_not_on_loan_ok, DROP COLUMN checkin_traps_holds,
      DROP COLUMN contact_without_pin, DROP COLUMN language_field, DROP COLUMN screen_language`);
  }
}
