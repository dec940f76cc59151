import { outboxTableSql } from '@app/common';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The branch-federation service's schema (partner agencies, NCIP). Partner lending arrives with its
 * own issue; today the schema holds the outbox so the service boots, migrates and reports health.
 */
export class CreateFederationSchema1764057600200 implements MigrationInterface {
  name = 'CreateFederationSchema1764057600200';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of outboxTableSql('federation')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE federation.outbox`);
  }
}
