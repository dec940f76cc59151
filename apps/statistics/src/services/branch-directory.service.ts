import { Injectable, Logger } from '@nestjs/common';
import { NatsRpcClient } from '@app/common';
import { BranchKind, CatalogListAgencies } from '@app/contracts';

const TTL_MS = 5 * 60_000;
/** Refreshes for unknown branches are at least this far apart (a misconfigured branch must not flood the catalog). */
const MISS_REFRESH_MS = 1_000;

/**
 * Branch kinds (24-hour library, locker, …) from the catalog over NATS, cached: they decide whether a
 * SIP2 transaction counts as a kiosk, a 24-hour library or a locker. Never reads the catalog's tables.
 */
@Injectable()
export class BranchDirectoryService {
  private readonly logger = new Logger(BranchDirectoryService.name);
  private kinds?: Map<string, BranchKind>;
  private loadedAt = 0;

  constructor(private readonly rpc: NatsRpcClient) {}

  /**
   * Load (or refresh) before a batch; throws only when there is no directory at all. A branch the
   * directory does not know is looked up again when the directory is older than the event that names
   * it (a branch added a moment ago); one still unknown after that is reported as unknown.
   */
  async ready(refs: { branch: string; occurredAt: string }[]): Promise<(code: string) => BranchKind | undefined> {
    const age = Date.now() - this.loadedAt;
    const stale = this.kinds
      ? refs.some((r) => !this.kinds!.has(r.branch) && Date.parse(r.occurredAt) >= this.loadedAt)
      : true;
    if (!this.kinds || age > TTL_MS || stale) {
      if (this.kinds && age < MISS_REFRESH_MS) await new Promise((r) => setTimeout(r, MISS_REFRESH_MS - age));
      try {
        const startedAt = Date.now();
        const agencies = await this.rpc.call(CatalogListAgencies, {});
        this.kinds = new Map(agencies.flatMap((a) => a.branches.map((b) => [b.code, b.kind] as const)));
        this.loadedAt = startedAt;
      } catch (err) {
        if (!this.kinds) throw err; // retried by the consumer: a 24-hour checkout must not count as a kiosk
        this.logger.warn(`branch directory not refreshed: ${(err as Error).message}`);
      }
    }
    const kinds = this.kinds;
    return (code) => kinds.get(code);
  }
}
