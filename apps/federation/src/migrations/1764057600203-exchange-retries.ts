import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Automatic retries of failed outgoing exchanges: when the next one is due (NULL: no more automatic
 * retries, the exchange waits for a person) and how many were made; the exchange log's retention purge
 * reads by created_at (index exists).
 */
export class ExchangeRetries1764057600203 implements MigrationInterface {
  name = 'ExchangeRetries1764057600203';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE federation.failed_exchanges ADD COLUMN next_attempt_at timestamptz`);
    await q.query(`ALTER TABLE federation.failed_exchanges ADD COLUMN auto_attempts integer NOT NULL DEFAULT 0`);
    await q.query(
      `CREATE INDEX failed_exchanges_due ON federation.failed_exchanges (next_attempt_at) WHERE status = 'open' AND next_attempt_at IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX federation.failed_exchanges_due`);
    await q.query(`ALTER TABLE federation.failed_exchanges DROP COLUMN auto_attempts`);
    await q.query(`ALTER TABLE federation.failed_exchanges DROP COLUMN next_attempt_at`);
  }
}
