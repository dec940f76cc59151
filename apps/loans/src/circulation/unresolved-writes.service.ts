import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EventConsumerService, OutboxService } from '@app/common';
import {
  CheckinResult,
  CheckoutResult,
  EventEnvelope,
  LoanClosed,
  LoansCheckin,
  LoansCheckout,
  LoansRenew,
  Sip2WriteUnresolved,
  OfflineTransactionKind,
  RenewResult,
  WriteUnresolvedEventData,
} from '@app/contracts';
import { DataSource } from 'typeorm';
import { CirculationExceptionsRepository } from '../shared/circulation-exceptions.repository';
import { IdempotencyRow } from '../shared/idempotency.service';
import { LOAN_COLUMNS, toEntity } from '../shared/loan.repository';
import { toLoanEventData } from '../shared/loan.mapper';

const KIND_OF: Record<string, OfflineTransactionKind> = {
  [LoansCheckout.subject]: 'checkout',
  [LoansCheckin.subject]: 'checkin',
  [LoansRenew.subject]: 'renew',
};

/**
 * A caller (the SIP2 adapter) refused a write to its terminal because it could not learn the outcome
 * in time, and said so through its outbox (`events.sip2.write-unresolved.v1`). Here the refusal is made
 * true: a key with nothing stored gets a tombstone (the write can never commit); a committed checkout is
 * undone (the loan closed again, the patron left the book); any other committed write goes on the
 * staff exceptions list. The key's state becomes 'compensated' so a redelivered event does nothing.
 */
@Injectable()
export class UnresolvedWritesService implements OnApplicationBootstrap {
  private readonly logger = new Logger(UnresolvedWritesService.name);

  constructor(
    private readonly consumer: EventConsumerService,
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly exceptions: CirculationExceptionsRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.consume({
      durable: 'loans-unresolved-writes',
      filterSubject: Sip2WriteUnresolved.subject,
      handler: (event: EventEnvelope) => this.resolve(event.data as WriteUnresolvedEventData).then(() => undefined),
    });
  }

  async resolve(
    e: WriteUnresolvedEventData,
  ): Promise<'tombstoned' | 'undone' | 'exception_recorded' | 'already_resolved'> {
    const outcome = await this.dataSource.transaction(async (m) => {
      const inserted = await m.query(
        `INSERT INTO loans.idempotency_keys (key, state) VALUES ($1, 'abandoned') ON CONFLICT (key) DO NOTHING RETURNING key`,
        [e.key],
      );
      if (inserted.length > 0) return 'tombstoned' as const;
      const [row] = (await m.query(
        `SELECT subject, fingerprint, state, reply FROM loans.idempotency_keys WHERE key = $1 FOR UPDATE`,
        [e.key],
      )) as IdempotencyRow[];
      if (row.state !== 'committed') return 'already_resolved' as const;
      await m.query(`UPDATE loans.idempotency_keys SET state = 'compensated' WHERE key = $1`, [e.key]);
      const kind = KIND_OF[row.subject ?? ''];
      const loan = (row.reply as CheckoutResult | CheckinResult | RenewResult | null)?.loan ?? null;
      const at = new Date(e.refusedAt);
      if (row.subject === LoansCheckout.subject && loan) {
        const updated = await m.query(
          `UPDATE loans.loans SET returned_at = now(), return_branch = checkout_branch, return_channel = channel
           WHERE id = $1 AND returned_at IS NULL RETURNING ${LOAN_COLUMNS}`,
          [loan.id],
        );
        // TypeORM answers an UPDATE with [rows, count]
        const closed = (Array.isArray(updated[0]) ? updated[0] : updated) as Record<string, unknown>[];
        if (closed.length > 0) {
          const entity = toEntity(closed[0]);
          await this.outbox.add(m, LoanClosed, toLoanEventData(entity, entity.checkoutBranch, entity.channel));
        }
        await this.exceptions.add(m, {
          reason: 'abandoned_after_commit',
          kind: 'checkout',
          source: e.origin,
          branch: loan.checkoutBranch,
          item: loan.item,
          patron: loan.patron,
          transactionAt: at,
          message: `checkout undone: the terminal was told it failed (loan ${loan.id}${closed.length ? ' closed' : ' had already ended'})`,
          loanId: loan.id,
          idempotencyKey: e.key,
        });
        return 'undone' as const;
      }
      if (kind && loan) {
        await this.exceptions.add(m, {
          reason: 'abandoned_after_commit',
          kind,
          source: e.origin,
          branch: loan.returnBranch ?? loan.checkoutBranch,
          item: loan.item,
          patron: loan.patron,
          transactionAt: at,
          message: `${kind} was recorded although the terminal was told it failed; please check`,
          loanId: loan.id,
          idempotencyKey: e.key,
        });
      } else {
        this.logger.warn(
          `committed ${row.subject} (key ${e.key}) was refused to its terminal; nothing to undo automatically`,
        );
      }
      return 'exception_recorded' as const;
    });
    this.outbox.notifyCommitted();
    return outcome;
  }
}
