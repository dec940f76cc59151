import { Injectable } from '@nestjs/common';
import { NatsRpcClient, RemoteError } from '@app/common';
import { CatalogGetItem, CatalogListAgencies, ErrorCode, PatronsGet, PatronView } from '@app/contracts';

const BRANCH_NAMES_TTL_MS = 10 * 60_000;
const UNKNOWN = new Set<string>([ErrorCode.PatronUnknown, ErrorCode.ItemUnknown, ErrorCode.NotFound]);

/** null for "no such patron / item"; any other failure is thrown (the event is redelivered). */
async function orNull<T>(call: Promise<T>): Promise<T | null> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof RemoteError && UNKNOWN.has(err.code)) return null;
    throw err;
  }
}

/** What a circulation notice needs from patrons and catalog: the reader's contact, a title, a branch name. */
@Injectable()
export class NoticeLookupsClient {
  private branchNames?: { names: Map<string, string>; until: number };

  constructor(private readonly rpc: NatsRpcClient) {}

  reader(ref: { agency: string; barcode: string }): Promise<PatronView | null> {
    return orNull(this.rpc.call(PatronsGet, ref));
  }

  async itemTitle(ref: { agency: string; barcode: string }): Promise<string | null> {
    return (await orNull(this.rpc.call(CatalogGetItem, ref)))?.title ?? null;
  }

  /** The branch's name as readers know it (cached for minutes); its code when catalog does not know it. */
  async branchName(code: string): Promise<string> {
    if (!this.branchNames || this.branchNames.until < Date.now()) {
      const agencies = await this.rpc.call(CatalogListAgencies, {});
      this.branchNames = {
        names: new Map(agencies.flatMap((a) => a.branches.map((b) => [b.code, b.name] as const))),
        until: Date.now() + BRANCH_NAMES_TTL_MS,
      };
    }
    return this.branchNames.names.get(code) ?? code;
  }
}
