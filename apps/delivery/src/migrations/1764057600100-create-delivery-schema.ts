import { outboxTableSql } from '@app/common';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The O2O delivery service's schema. Delivery orders (home and locker deliveries) arrive with the
 * delivery issue; today the schema holds the outbox so the service boots, migrates and reports health.
 */
export class CreateDeliverySchema1764057600100 implements MigrationInterface {
  name = 'CreateDeliverySchema1764057600100';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of outboxTableSql('delivery')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE delivery.outbox`);
  }
}
