import { MigrationInterface, QueryRunner } from 'typeorm';

/** Device keys (smart-locker controllers): role `device`, bound to one locker site. */
export class DeviceKeys1764700000100 implements MigrationInterface {
  name = 'DeviceKeys1764700000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE gateway.api_keys ADD COLUMN locker text`);
    await q.query(`ALTER TABLE gateway.api_keys DROP CONSTRAINT api_keys_role_check`);
    await q.query(
      `ALTER TABLE gateway.api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN ('staff','ops','device'))`,
    );
    await q.query(
      `ALTER TABLE gateway.api_keys ADD CONSTRAINT api_keys_device_locker_check CHECK ((role = 'device') = (locker IS NOT NULL))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM gateway.api_keys WHERE role = 'device'`);
    await q.query(`ALTER TABLE gateway.api_keys DROP CONSTRAINT api_keys_device_locker_check`);
    await q.query(`ALTER TABLE gateway.api_keys DROP CONSTRAINT api_keys_role_check`);
    await q.query(`ALTER TABLE gateway.api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN ('staff','ops'))`);
    await q.query(`ALTER TABLE gateway.api_keys DROP COLUMN locker`);
  }
}
