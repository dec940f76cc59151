import { Injectable, Logger } from '@nestjs/common';
import { NatsRpcClient } from '@app/common';
import { AgencyView, BranchKind, CatalogSubjects } from '@app/contracts';

const TTL_MS = 5 * 60_000;
/** An unknown branch refreshes the directory at most this often. */
const MISS_REFRESH_MS = 30_000;

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

  /** Load (or refresh) before a batch; throws only when there is no directory at all. */
  async ready(branches: string[]): Promise<(code: string) => BranchKind | undefined> {
    const age = Date.now() - this.loadedAt;
    const missing = this.kinds ? branches.some((b) => !this.kinds!.has(b)) : true;
    if (!this.kinds || age > TTL_MS || (missing && age > MISS_REFRESH_MS)) {
      try {
        const agencies = await this.rpc.request<AgencyView[]>(CatalogSubjects.listAgencies, {});
        this.kinds = new Map(agencies.flatMap((a) => a.branches.map((b) => [b.code, b.kind] as const)));
        this.loadedAt = Date.now();
      } catch (err) {
        if (!this.kinds) throw err; // retried by the consumer: a 24-hour checkout must not count as a kiosk
        this.logger.warn(`branch directory not refreshed: ${(err as Error).message}`);
      }
    }
    const kinds = this.kinds;
    return (code) => kinds.get(code);
  }
}
