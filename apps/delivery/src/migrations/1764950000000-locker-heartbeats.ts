import { MigrationInterface, QueryRunner } from 'typeorm';

/** When each locker's controller last called (heartbeat or any device call); null until it does. */
export class LockerHeartbeats1764950000000 implements MigrationInterface {
  name = 'LockerHeartbeats1764950000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE delivery.lockers ADD COLUMN last_seen_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE delivery.lockers DROP COLUMN last_seen_at`);
  }
}
