import { NatsRpcClient, RemoteError } from '@app/common';
import {
  CatalogCreateItem,
  CatalogCreateRecord,
  CatalogGetItem,
  CatalogSearchRecords,
  CatalogUpsertAgency,
  CatalogUpsertBranch,
  ErrorCode,
  PatronsCreate,
  PatronsGet,
} from '@app/contracts';
import { DEMO_AGENCIES, DEMO_BRANCHES, DEMO_ITEMS, DEMO_PATRONS, DEMO_PIN, KSL } from './demo-data';
import { DEMO_SEED_STEPS } from './demo-seed-steps';

export interface SeedReport {
  skipped: boolean;
  created: Record<string, number>;
}

async function getOrNull<T>(p: Promise<T>, notFound: string[]): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof RemoteError && notFound.includes(err.code)) return null;
    throw err;
  }
}

/**
 * Seeds the demo network through the services' own NATS commands (never behind their backs into
 * their schemas), idempotently: what exists is left as it is.
 */
export class DemoSeeder {
  constructor(
    private readonly rpc: NatsRpcClient,
    private readonly log: (msg: string) => void = () => undefined,
  ) {}

  /** True when the demo data is already there (last item of the set exists). */
  async isSeeded(): Promise<boolean> {
    const last = DEMO_ITEMS[DEMO_ITEMS.length - 1];
    const item = await getOrNull(this.rpc.call(CatalogGetItem, { agency: last.agency, barcode: last.barcode }), [
      ErrorCode.ItemUnknown,
    ]);
    if (!item) return false;
    const patron = await getOrNull(this.rpc.call(PatronsGet, { agency: KSL, barcode: 'P0000004' }), [
      ErrorCode.PatronUnknown,
    ]);
    return patron !== null;
  }

  async seed(opts: { onlyIfEmpty?: boolean } = {}): Promise<SeedReport> {
    if (opts.onlyIfEmpty && (await this.isSeeded())) return { skipped: true, created: {} };
    const created: Record<string, number> = { agencies: 0, branches: 0, records: 0, items: 0, patrons: 0 };

    for (const a of DEMO_AGENCIES) {
      await this.rpc.call(CatalogUpsertAgency, a);
      created.agencies++;
    }
    for (const b of DEMO_BRANCHES) {
      await this.rpc.call(CatalogUpsertBranch, b);
      created.branches++;
    }

    for (const it of DEMO_ITEMS) {
      const existing = await getOrNull(this.rpc.call(CatalogGetItem, { agency: it.agency, barcode: it.barcode }), [
        ErrorCode.ItemUnknown,
      ]);
      if (existing) continue;
      // reuse a record left by an interrupted earlier run rather than duplicating it
      const found = await this.rpc.call(CatalogSearchRecords, { title: it.title.title, limit: 50 });
      let record = found.items.find((r) => r.title === it.title.title && r.author === it.title.author);
      if (!record) {
        record = await this.rpc.call(CatalogCreateRecord, {
          title: it.title.title,
          author: it.title.author,
          publisher: it.title.publisher,
          year: it.title.year,
          clcCallNumber: it.title.clc,
          ...(it.title.isbn ? { isbn: it.title.isbn } : {}),
        });
        created.records++;
      }
      await this.rpc.call(CatalogCreateItem, {
        agency: it.agency,
        barcode: it.barcode,
        recordId: record.id,
        itemType: it.itemType,
        homeBranch: it.homeBranch,
        shelfLocation: it.shelfLocation,
        loanable: it.loanable,
        status: it.status,
        priceFen: it.priceFen,
      });
      created.items++;
    }

    for (const p of DEMO_PATRONS) {
      const existing = await getOrNull(this.rpc.call(PatronsGet, { agency: p.agency, barcode: p.barcode }), [
        ErrorCode.PatronUnknown,
      ]);
      if (existing) continue;
      const { note: _note, ...dto } = p;
      await this.rpc.call(PatronsCreate, { ...dto, pin: DEMO_PIN });
      created.patrons++;
    }

    // seeding for capabilities owned by other services (SIP2 terminals, circulation rules …)
    for (const step of DEMO_SEED_STEPS) {
      const n = await step.run(this.rpc);
      created[step.name] = n;
    }

    this.log(`demo data seeded: ${JSON.stringify(created)}`);
    return { skipped: false, created };
  }
}
