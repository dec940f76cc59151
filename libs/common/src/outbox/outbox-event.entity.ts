import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A domain event waiting to be relayed to JetStream. Written in the same transaction as the state
 * change it describes; the table lives in each service's own schema.
 */
@Entity({ name: 'outbox' })
@Index('outbox_unpublished_idx', ['occurredAt'], { where: 'published_at IS NULL' })
export class OutboxEventEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  subject: string;

  @Column('jsonb')
  envelope: Record<string, unknown>;

  @Column('timestamptz', { name: 'occurred_at' })
  occurredAt: Date;

  @Column('timestamptz', { name: 'published_at', nullable: true })
  publishedAt: Date | null;

  @Column('int', { default: 0 })
  attempts: number;
}

/** SQL for the outbox table, used by each service's initial migration. */
export function outboxTableSql(schema: string): string[] {
  return [
    `CREATE TABLE "${schema}"."outbox" (
      "id" uuid PRIMARY KEY,
      "subject" text NOT NULL,
      "envelope" jsonb NOT NULL,
      "occurred_at" timestamptz NOT NULL DEFAULT now(),
      "published_at" timestamptz,
      "attempts" int NOT NULL DEFAULT 0
    )`,
    `CREATE INDEX "outbox_unpublished_idx" ON "${schema}"."outbox" ("occurred_at") WHERE published_at IS NULL`,
  ];
}
