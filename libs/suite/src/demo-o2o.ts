import { NatsRpcClient, RemoteError } from '@app/common';
import {
  BranchKind,
  CatalogCreateItem,
  CatalogCreateRecord,
  CatalogGetItem,
  CatalogSearchRecords,
  CatalogUpsertBranch,
  CompartmentSpecDto,
  DeliveryUpsertLocker,
  ErrorCode,
  GatewayUpsertDeviceKey,
  UpsertLockerDto,
} from '@app/contracts';
import { DEMO_TITLES, KSL } from './demo-data';
import type { DemoSeedStep } from './demo-seed-steps';

/** The O2O lending stock (网借书库) and two smart book lockers (智能借阅柜), documented in README. */
export const DEMO_O2O_BRANCHES: { code: string; agency: string; name: string; kind: BranchKind }[] = [
  { code: 'KSL-O2O', agency: KSL, name: '网借书库（书香鹿城）', kind: 'branch' },
  { code: 'KSL-LK-BC', agency: KSL, name: '巴城镇行政服务中心 智能借阅柜', kind: 'locker' },
  { code: 'KSL-LK-WXH', agency: KSL, name: '万象汇 智能借阅柜', kind: 'locker' },
];

/** a dozen compartments: 1-8 small (one or two books), 9-12 large */
const COMPARTMENTS: CompartmentSpecDto[] = Array.from({ length: 12 }, (_, i) => ({
  number: i + 1,
  size: i < 8 ? 'S' : 'L',
}));

export const DEMO_LOCKERS: UpsertLockerDto[] = [
  {
    code: 'KSL-LK-BC',
    agency: KSL,
    name: '巴城镇行政服务中心 智能借阅柜',
    address: '昆山市巴城镇行政服务中心一楼大厅',
    branch: 'KSL-MAIN',
    pickupHours: 72,
    compartments: COMPARTMENTS,
  },
  {
    code: 'KSL-LK-WXH',
    agency: KSL,
    name: '万象汇 智能借阅柜',
    address: '昆山市万象汇购物中心 B1 层',
    branch: 'KSL-MAIN',
    pickupHours: 72,
    compartments: COMPARTMENTS,
  },
];

/** One device key per locker controller (role device, bound to its locker). Demo values: replace in production. */
export const DEMO_DEVICE_KEYS = [
  { name: 'locker-ksl-lk-bc', locker: 'KSL-LK-BC', key: 'demo-locker-bc-key' },
  { name: 'locker-ksl-lk-wxh', locker: 'KSL-LK-WXH', key: 'demo-locker-wxh-key' },
];

/** O0000001..O0000012 on the KSL-O2O shelf: eight titles, four of them with two copies. */
const O2O_TITLE_INDEXES = [1, 5, 8, 9, 10, 14, 15, 17];
export const DEMO_O2O_ITEMS = Array.from({ length: 12 }, (_, i) => {
  const title = DEMO_TITLES[O2O_TITLE_INDEXES[i % O2O_TITLE_INDEXES.length]];
  return {
    agency: KSL,
    barcode: `O${String(i + 1).padStart(7, '0')}`,
    title,
    itemType: title.itemType ?? ('book' as const),
    shelfLocation: `网借书库 ${title.clc}`,
    priceFen: 3900 + i * 100,
  };
});

async function exists(rpc: NatsRpcClient, agency: string, barcode: string): Promise<boolean> {
  try {
    await rpc.call(CatalogGetItem, { agency, barcode });
    return true;
  } catch (err) {
    if (err instanceof RemoteError && err.code === ErrorCode.ItemUnknown) return false;
    throw err;
  }
}

export const o2oDemo: DemoSeedStep = {
  name: 'o2o',
  async run(rpc) {
    let n = 0;
    for (const b of DEMO_O2O_BRANCHES) {
      await rpc.call(CatalogUpsertBranch, b);
      n++;
    }
    for (const it of DEMO_O2O_ITEMS) {
      if (await exists(rpc, it.agency, it.barcode)) continue;
      // the demo records exist already (seeded with the B items)
      const found = await rpc.call(CatalogSearchRecords, {
        title: it.title.title,
        limit: 50,
      });
      let record = found.items.find((r) => r.title === it.title.title && r.author === it.title.author);
      record ??= await rpc.call(CatalogCreateRecord, {
        title: it.title.title,
        author: it.title.author,
        publisher: it.title.publisher,
        year: it.title.year,
        clcCallNumber: it.title.clc,
      });
      await rpc.call(CatalogCreateItem, {
        agency: it.agency,
        barcode: it.barcode,
        recordId: record.id,
        itemType: it.itemType,
        homeBranch: 'KSL-O2O',
        shelfLocation: it.shelfLocation,
        loanable: true,
        status: 'available',
        priceFen: it.priceFen,
      });
      n++;
    }
    for (const l of DEMO_LOCKERS) {
      await rpc.call(DeliveryUpsertLocker, l);
      n++;
    }
    for (const k of DEMO_DEVICE_KEYS) {
      await rpc.call(GatewayUpsertDeviceKey, k);
      n++;
    }
    return n;
  },
};
