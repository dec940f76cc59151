import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { NatsRpcClient } from '@app/common';
import { CatalogItemCirculationPage } from '@app/contracts';
import { ItemProjectionRepository } from './item-projection.repository';

/** Items per backfill page (one NATS request and one upsert each). */
const PAGE = 1000;
/** Wait before trying again when the catalog did not answer (it may start after loans). */
const RETRY_MS = 10_000;

/**
 * An empty projection (a new deployment, or loans upgraded onto an existing catalog) is filled from
 * the catalog over NATS, page by page, in the background: until it is done a checkout without a row
 * asks the catalog (ItemDirectory). A projection with rows is kept current by the durable event
 * consumer, which resumes where it stopped after any downtime.
 */
@Injectable()
export class ItemProjectionBackfill implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ItemProjectionBackfill.name);
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly rpc: NatsRpcClient,
    private readonly projection: ItemProjectionRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.start();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
  }

  private start(): void {
    this.fillIfEmpty().catch((err: unknown) => {
      if (this.stopped) return;
      this.logger.warn(`item projection backfill failed, retrying in ${RETRY_MS / 1000} s: ${String(err)}`);
      this.retry = setTimeout(() => this.start(), RETRY_MS);
      this.retry.unref();
    });
  }

  /** Fills the projection when it has no row; returns how many items were read (0: nothing to do). */
  async fillIfEmpty(): Promise<number> {
    if (!(await this.projection.isEmpty())) return 0;
    let after: string | undefined;
    let read = 0;
    do {
      const page = await this.rpc.call(CatalogItemCirculationPage, { after, limit: PAGE });
      await this.projection.upsert(page.items);
      read += page.items.length;
      after = page.next ?? undefined;
    } while (after && !this.stopped);
    if (read > 0) this.logger.log(`item projection backfilled from the catalog: ${read} items`);
    return read;
  }
}
