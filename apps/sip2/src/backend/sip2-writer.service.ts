import { Injectable, Logger } from '@nestjs/common';
import { ExactlyOnceWriter, NatsRpcClient, OutboxService } from '@app/common';
import { Sip2WriteUnresolved, WriteUnresolvedEventData } from '@app/contracts';
import { DataSource } from 'typeorm';
import { Sip2EnvDto } from '../config/sip2-env.dto';

/**
 * The adapter's circulation writes go through one ExactlyOnceWriter (retry with the same key, then ask
 * for the outcome). When even the outcome cannot be learned in time and the terminal is told "no",
 * the refusal is written to this service's outbox: the relay delivers it to the loans service as soon
 * as NATS is back, which undoes the write if it did commit (docs/sip2.md §4.1).
 */
@Injectable()
export class Sip2WriterService {
  private readonly logger = new Logger('Sip2Writer');
  readonly writer: ExactlyOnceWriter;

  constructor(
    rpc: NatsRpcClient,
    env: Sip2EnvDto,
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
  ) {
    this.writer = new ExactlyOnceWriter(rpc, {
      deadlineMs: env.SIP2_WRITE_DEADLINE_MS,
      outcomeMs: env.SIP2_WRITE_OUTCOME_MS,
      attemptMs: Math.max(500, Math.floor(env.SIP2_WRITE_DEADLINE_MS / 3)),
      onUnresolved: (key, subject) => void this.recordUnresolved(key, subject),
    });
  }

  private async recordUnresolved(key: string, subject: string): Promise<void> {
    try {
      const data: WriteUnresolvedEventData = { key, subject, origin: 'sip2', refusedAt: new Date().toISOString() };
      await this.outbox.add(this.dataSource.manager, Sip2WriteUnresolved, data);
      this.outbox.notifyCommitted();
    } catch (err) {
      this.logger.error(`could not record the unresolved write ${subject}: ${(err as Error).message}`);
    }
  }
}
