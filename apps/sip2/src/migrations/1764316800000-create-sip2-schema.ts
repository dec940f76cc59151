import { outboxTableSql } from '@app/common';
import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSip2Schema1764316800000 implements MigrationInterface {
  name = 'CreateSip2Schema1764316800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE sip2.terminals (
      login text PRIMARY KEY,
      password_hash text NOT NULL,
      institution_id text NOT NULL,
      location text NOT NULL,
      charset text NOT NULL DEFAULT 'utf-8' CHECK (charset IN ('utf-8','gb18030','cp850','ascii')),
      terminator text NOT NULL DEFAULT 'CR' CHECK (terminator IN ('CR','CRLF')),
      field_delimiter text NOT NULL DEFAULT '|' CHECK (length(field_delimiter) = 1),
      error_detection text NOT NULL DEFAULT 'auto' CHECK (error_detection IN ('auto','required')),
      allow_sc_status_before_login boolean NOT NULL DEFAULT false,
      login_timeout_seconds int NOT NULL DEFAULT 60 CHECK (login_timeout_seconds > 0),
      idle_timeout_seconds int NOT NULL DEFAULT 900 CHECK (idle_timeout_seconds > 0),
      enabled boolean NOT NULL DEFAULT true,
      description text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX terminals_institution_idx ON sip2.terminals (institution_id)`);
    for (const sql of outboxTableSql('sip2')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sip2.outbox`);
    await q.query(`DROP TABLE sip2.terminals`);
  }
}
