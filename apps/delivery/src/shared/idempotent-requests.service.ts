import { Injectable } from '@nestjs/common';
import { DomainError, OutboxService } from '@app/common';
import { ActorDto, ErrorCode } from '@app/contracts';
import { DataSource, EntityManager } from 'typeorm';

/**
 * Same request id → same answer, no second effect. The request row is inserted first in the
 * operation's transaction: a concurrent retry waits on it, then finds the committed reply. A refusal
 * thrown as an error rolls everything back (no effect), so a retry computes the same refusal again;
 * refusals that change state (a wrong pickup code is counted) are answers, stored like any other.
 */
@Injectable()
export class IdempotentRequests {
  constructor(
    private readonly ds: DataSource,
    private readonly outbox: OutboxService,
  ) {}

  async run<T>(
    requestId: string,
    operation: string,
    actor: ActorDto,
    fn: (m: EntityManager) => Promise<T>,
  ): Promise<T> {
    const who = `${actor.kind}:${actor.id}`;
    const result = await this.ds.transaction(async (m) => {
      const claimed = await m.query(
        `INSERT INTO delivery.requests (request_id, operation, actor, reply) VALUES ($1, $2, $3, 'null') ON CONFLICT (request_id) DO NOTHING RETURNING request_id`,
        [requestId, operation, who],
      );
      if (claimed.length === 0) {
        const [prior] = await m.query(`SELECT operation, actor, reply FROM delivery.requests WHERE request_id = $1`, [
          requestId,
        ]);
        if (prior.operation !== operation || prior.actor !== who) {
          throw new DomainError(
            ErrorCode.RequestIdReused,
            `request id ${requestId} was already used for another call (${prior.operation})`,
          );
        }
        return { replay: true, reply: prior.reply as T };
      }
      const reply = await fn(m);
      await m.query(`UPDATE delivery.requests SET reply = $2 WHERE request_id = $1`, [
        requestId,
        JSON.stringify(reply ?? null),
      ]);
      return { replay: false, reply };
    });
    if (!result.replay) this.outbox.notifyCommitted();
    return result.reply;
  }
}
