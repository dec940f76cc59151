import { outboxTableSql } from '@app/common';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateGatewaySchema1764316800000 implements MigrationInterface {
  name = 'CreateGatewaySchema1764316800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE gateway.api_keys (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      role text NOT NULL CHECK (role IN ('staff','ops')),
      prefix text NOT NULL,
      key_hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      revoked_at timestamptz,
      CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash)
    )`);
    // the outbox relay from ServiceCoreModule polls this table; the gateway publishes no events yet
    for (const sql of outboxTableSql('gateway')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE gateway.outbox`);
    await q.query(`DROP TABLE gateway.api_keys`);
  }
}
