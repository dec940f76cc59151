import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { DataOf, EventContract, EventEnvelope, SubjectOf } from '@app/contracts';
import { EntityManager } from 'typeorm';
import { executeWithCommit } from '../persistence/prepared-statements';
import { requestContext } from '../logging/request-context';

export const OUTBOX_SOURCE = Symbol('OUTBOX_SOURCE');

/** Adds events to the outbox inside the caller's transaction; the relay publishes them after commit. */
@Injectable()
export class OutboxService {
  private readonly listeners = new Set<() => void>();

  constructor(@Inject(OUTBOX_SOURCE) private readonly source: string) {}

  /** `outbox.add(m, LoanCreated, data)`: the data is checked against the event contract. */
  add<C extends EventContract>(
    manager: EntityManager,
    event: C,
    data: DataOf<C>,
    occurredAt?: Date,
  ): Promise<EventEnvelope<DataOf<C>, SubjectOf<C>>>;
  /** @deprecated untyped: pass an event contract from `@app/contracts` instead of its subject */
  add<T>(manager: EntityManager, subject: string, data: T, occurredAt?: Date): Promise<EventEnvelope<T>>;
  async add<T>(
    manager: EntityManager,
    target: string | EventContract,
    data: T,
    occurredAt = new Date(),
  ): Promise<EventEnvelope<T>> {
    const subject = typeof target === 'string' ? target : target.subject;
    const envelope: EventEnvelope<T> = {
      id: randomUUID(),
      type: subject,
      source: this.source,
      occurredAt: occurredAt.toISOString(),
      correlationId: requestContext.correlationId(),
      data,
    };
    // search_path is the service's own schema, so `outbox` is this service's table
    // in a top-level transaction the row travels with the COMMIT (one round trip less); a failed insert fails the commit
    await executeWithCommit(manager, [
      'INSERT INTO outbox (id, subject, envelope, occurred_at) VALUES ($1, $2, $3, $4)',
      [envelope.id, subject, JSON.stringify(envelope), occurredAt],
    ]);
    return envelope;
  }

  /** Called after a commit so the relay publishes at once instead of at its next poll. */
  notifyCommitted(): void {
    for (const l of this.listeners) l();
  }

  onCommitted(listener: () => void): void {
    this.listeners.add(listener);
  }
}
