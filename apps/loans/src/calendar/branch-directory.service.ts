import { Injectable, Logger } from '@nestjs/common';
import { NatsRpcClient } from '@app/common';
import { BranchKind, CatalogListAgencies } from '@app/contracts';
import { CacheInvalidationService } from '../shared/cache-invalidation.service';

const TTL_MS = 10 * 60_000;
/** an unknown code triggers a reload, but not more often than this (a typo must not hammer the catalog) */
const MISS_RELOAD_MS = 15_000;

/** Branch kinds that never close for weekly hours or holidays. */
export const ALWAYS_OPEN_KINDS: readonly BranchKind[] = ['self_service_24h', 'locker'];

/**
 * Branch kinds from the catalog (`catalog.agencies.list.v1`, the whole network in one answer), cached:
 * branches change a few times a year, checkouts thousands of times a day.
 */
@Injectable()
export class BranchDirectoryService {
  private readonly logger = new Logger(BranchDirectoryService.name);
  private kinds = new Map<string, BranchKind>();
  private loadedAt = 0;
  private loading?: Promise<void>;

  constructor(
    private readonly rpc: NatsRpcClient,
    invalidation: CacheInvalidationService,
  ) {
    invalidation.on('branches', () => (this.loadedAt = 0));
  }

  /** The branch's kind, or null when the catalog does not know it (or cannot be reached). */
  async kindOf(code: string): Promise<BranchKind | null> {
    const age = Date.now() - this.loadedAt;
    if (age > TTL_MS || (!this.kinds.has(code) && age > MISS_RELOAD_MS)) await this.reload();
    return this.kinds.get(code) ?? null;
  }

  async isAlwaysOpen(code: string): Promise<boolean> {
    const kind = await this.kindOf(code);
    return kind !== null && ALWAYS_OPEN_KINDS.includes(kind);
  }

  /** Every known branch code (for network-wide operations). */
  async codes(): Promise<string[]> {
    if (Date.now() - this.loadedAt > TTL_MS) await this.reload();
    return [...this.kinds.keys()];
  }

  private reload(): Promise<void> {
    this.loading ??= (async () => {
      try {
        const agencies = await this.rpc.call(CatalogListAgencies, {});
        this.kinds = new Map(agencies.flatMap((a) => a.branches.map((b) => [b.code, b.kind] as const)));
      } catch (err) {
        // keep what we had; a staffed-branch calendar is the safe default for an unknown kind
        this.logger.warn(`branch kinds not refreshed: ${(err as Error).message}`);
      } finally {
        this.loadedAt = Date.now();
        this.loading = undefined;
      }
    })();
    return this.loading;
  }
}
