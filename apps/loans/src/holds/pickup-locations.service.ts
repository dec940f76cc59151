import { Injectable } from '@nestjs/common';
import { NatsRpcClient } from '@app/common';
import { BranchView, CatalogListAgencies } from '@app/contracts';

const TTL_MS = 60_000;

/** Branches with their agency and kind (catalog), cached: holds check pickup locations and find a branch's library. (calendar/BranchDirectoryService keeps kinds only.) */
@Injectable()
export class PickupLocationsService {
  private cached?: { branches: Map<string, BranchView>; expiresAt: number };

  constructor(private readonly rpc: NatsRpcClient) {}

  async find(code: string): Promise<BranchView | null> {
    let branches = this.cached && this.cached.expiresAt > Date.now() ? this.cached.branches : undefined;
    if (!branches || !branches.has(code)) {
      // a miss re-reads at once: a branch added a minute ago must be usable
      const agencies = await this.rpc.call(CatalogListAgencies, {});
      branches = new Map(agencies.flatMap((a) => a.branches.map((b) => [b.code, b] as const)));
      this.cached = { branches, expiresAt: Date.now() + TTL_MS };
    }
    return branches.get(code) ?? null;
  }
}
