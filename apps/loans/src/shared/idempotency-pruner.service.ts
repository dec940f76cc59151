import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LoansEnvDto } from '../config/loans-env.dto';

const EVERY_MS = 15 * 60_000;
const BATCH = 5000;

/**
 * Idempotency keys are needed while a caller may still retry or compensate (minutes for kiosks, days
 * for an offline upload): rows older than IDEMPOTENCY_RETENTION_DAYS are deleted every 15 minutes in
 * batches (SKIP LOCKED, so replicas share the work), like the outbox pruner.
 */
@Injectable()
export class IdempotencyPrunerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IdempotencyPrunerService.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly env: LoansEnvDto,
  ) {}

  onApplicationBootstrap(): void {
    if (this.env.IDEMPOTENCY_RETENTION_DAYS <= 0) return;
    this.timer = setInterval(
      () =>
        void this.prune().catch((err: Error) => this.logger.warn(`pruning idempotency keys failed: ${err.message}`)),
      EVERY_MS,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async prune(): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = await this.dataSource.query(
        `DELETE FROM loans.idempotency_keys WHERE key IN (
           SELECT key FROM loans.idempotency_keys WHERE created_at < now() - make_interval(days => $1) LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING 1`,
        [this.env.IDEMPOTENCY_RETENTION_DAYS, BATCH],
      );
      const n = (Array.isArray(rows[0]) ? rows[0] : rows).length;
      total += n;
      if (n < BATCH) return total;
    }
  }
}
