import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BaseEnvDto } from '../config/base-env.dto';

const PRUNE_EVERY_MS = 15 * 60_000;
const FIRST_PRUNE_AFTER_MS = 60_000;
const DELETE_BATCH = 5000;

/**
 * Deletes relayed outbox rows once they are older than OUTBOX_RETENTION_DAYS (default 30, as long as
 * the JetStream stream keeps the events; 0 keeps them forever). Without it every checkout and return
 * would leave a row behind for good: ~2.2M a year at the seed network's volume.
 *
 * Rows not yet relayed are never deleted. Deletes go in batches of 5,000 (short transactions, no long
 * lock on the table); replicas of a service may prune at the same time, as SKIP LOCKED keeps them
 * off each other's rows.
 */
@Injectable()
export class OutboxPrunerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxPrunerService.name);
  private timers: NodeJS.Timeout[] = [];
  private running?: Promise<unknown>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly env: BaseEnvDto,
  ) {}

  onApplicationBootstrap(): void {
    if (this.env.OUTBOX_RETENTION_DAYS === 0) return;
    const tick = () => {
      this.running ??= this.prune()
        .catch((err) => this.logger.warn(`outbox pruning: ${(err as Error).message}`))
        .finally(() => (this.running = undefined));
    };
    this.timers = [setTimeout(tick, FIRST_PRUNE_AFTER_MS), setInterval(tick, PRUNE_EVERY_MS)];
    for (const t of this.timers) t.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    await this.running;
  }

  /** Delete relayed rows older than the retention; returns how many. */
  async prune(batch = DELETE_BATCH): Promise<number> {
    const days = this.env.OUTBOX_RETENTION_DAYS;
    if (days === 0) return 0;
    let total = 0;
    for (;;) {
      const [, deleted] = (await this.dataSource.query(
        `DELETE FROM outbox WHERE id IN (
           SELECT id FROM outbox WHERE published_at < now() - make_interval(days => $1) LIMIT $2 FOR UPDATE SKIP LOCKED)`,
        [days, batch],
      )) as [unknown, number];
      total += deleted;
      if (deleted < batch) break;
    }
    if (total > 0) this.logger.log(`outbox: deleted ${total} events relayed more than ${days} days ago`);
    return total;
  }
}
