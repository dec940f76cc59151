import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
// deep import: the bench needs the hash format, not NestJS
import { SecretHasher } from '@app/common/secrets/secret-hasher';
import { from as copyFrom } from 'pg-copy-streams';
import { mulberry32 } from '../load/arrival-schedule';
import { ScaleSpec, scaleFingerprint } from '../scale';
import {
  BENCH_AGENCY,
  BENCH_AGENCY_NAME,
  BENCH_PIN,
  BRANCH_CODE_LIKE,
  ITEM_BARCODE_REGEX,
  Layout,
  PATRON_BARCODE_REGEX,
  RECORD_ID_LIKE,
  benchUuid,
  branchCode,
  branchKind,
  circulates,
  dueFor,
  itemBarcode,
  itemHomeBranch,
  itemProfile,
  layoutFor,
  loanDaysFor,
  openLoanItem,
  openLoanPatron,
  patronBarcode,
  patronProfile,
  ruleFor,
} from './layout';
import { ProgressBar } from './progress';

export interface DatasetInfo {
  scale: string;
  fingerprint: string;
  reused: boolean;
  load_seconds: number;
  loaded_at: string;
  counts: Record<string, number>;
}

const MARKER_DDL = [
  `CREATE SCHEMA IF NOT EXISTS bench`,
  `CREATE TABLE IF NOT EXISTS bench.dataset (
     id int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
     scale text NOT NULL,
     fingerprint text NOT NULL,
     counts jsonb NOT NULL,
     load_seconds numeric NOT NULL,
     loaded_at timestamptz NOT NULL DEFAULT now()
   )`,
];

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'.split(
    '',
  );
const GIVEN =
  '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国文斌宇浩凯健俊帆帅旭宁欣悦晨阳思雨梓涵子轩一诺'.split(
    '',
  );
const T1 = [
  '江南',
  '昆山',
  '玉山',
  '水乡',
  '古镇',
  '运河',
  '春秋',
  '山海',
  '星河',
  '长夜',
  '晨光',
  '远方',
  '故园',
  '烟雨',
  '明月',
  '长风',
  '青石',
  '白云',
  '归途',
  '流年',
];
const T2 = [
  '记',
  '志',
  '录',
  '考',
  '传',
  '史话',
  '笔记',
  '散文集',
  '诗选',
  '图说',
  '故事',
  '研究',
  '漫谈',
  '纪行',
  '札记',
  '简史',
  '导读',
  '问答',
  '画册',
  '年鉴',
];
const PUBLISHERS = [
  '人民文学出版社',
  '中华书局',
  '作家出版社',
  '译林出版社',
  '中信出版社',
  '上海古籍出版社',
  '江苏凤凰文艺出版社',
  '商务印书馆',
];
const CLC = ['I247.5', 'K29', 'B84', 'D6', 'F12', 'G25', 'H31', 'I206', 'J2', 'K82', 'O1', 'TP3', 'Z12'];

const tsv = (cols: (string | number | boolean | null)[]): string =>
  cols.map((c) => (c === null ? '\\N' : String(c))).join('\t') + '\n';

async function copy(c: Client, sql: string, source: Readable): Promise<void> {
  await pipeline(source, c.query(copyFrom(sql)));
}

export async function readMarker(c: Client): Promise<{
  scale: string;
  fingerprint: string;
  counts: Record<string, number>;
  load_seconds: string;
  loaded_at: Date;
} | null> {
  const exists = await c.query(`SELECT to_regclass('bench.dataset') IS NOT NULL AS ok`);
  if (!exists.rows[0].ok) return null;
  const r = await c.query(`SELECT scale, fingerprint, counts, load_seconds, loaded_at FROM bench.dataset WHERE id = 1`);
  return r.rows[0] ?? null;
}

/** Bench rows (only bench rows) out of the services' schemas, e.g. before loading another scale. */
async function purge(c: Client, log: (m: string) => void): Promise<void> {
  log('removing the previously loaded bench dataset (different scale)');
  await c.query(`DELETE FROM loans.loans WHERE item_agency = $1 AND item_barcode ~ '${ITEM_BARCODE_REGEX}'`, [
    BENCH_AGENCY,
  ]);
  await c.query(`DELETE FROM loans.loans WHERE patron_agency = $1 AND patron_barcode ~ '${PATRON_BARCODE_REGEX}'`, [
    BENCH_AGENCY,
  ]);
  await c.query(`DELETE FROM catalog.items WHERE agency = $1 AND barcode ~ '${ITEM_BARCODE_REGEX}'`, [BENCH_AGENCY]);
  if (await hasItemProjection(c))
    await c.query(`DELETE FROM loans.items WHERE agency = $1 AND barcode ~ '${ITEM_BARCODE_REGEX}'`, [BENCH_AGENCY]);
  await c.query(`DELETE FROM catalog.records WHERE id::text LIKE '${RECORD_ID_LIKE}'`);
  await c.query(`DELETE FROM patrons.patrons WHERE agency = $1 AND barcode ~ '${PATRON_BARCODE_REGEX}'`, [
    BENCH_AGENCY,
  ]);
  await c.query(`DELETE FROM catalog.branches WHERE code LIKE '${BRANCH_CODE_LIKE}'`);
}

/**
 * Loads (or reuses) the bench dataset with COPY into the services' own schemas, which the services must
 * have migrated already. Everything is one transaction together with the marker row, so an
 * interrupted load leaves nothing behind and the next run starts over.
 */
export async function ensureDataset(
  databaseUrl: string,
  spec: ScaleSpec,
  opts: { reload?: boolean; log: (m: string) => void },
): Promise<DatasetInfo> {
  const c = new Client({ connectionString: databaseUrl, application_name: 'bench-loader' });
  await c.connect();
  try {
    for (const sql of MARKER_DDL) await c.query(sql);
    const fingerprint = scaleFingerprint(spec);
    const marker = await readMarker(c);
    if (marker && marker.fingerprint === fingerprint && !opts.reload) {
      opts.log(`reusing the ${marker.scale} dataset loaded ${marker.loaded_at.toISOString()}`);
      await fillItemProjection(c, opts.log);
      return {
        scale: marker.scale,
        fingerprint,
        reused: true,
        load_seconds: Number(marker.load_seconds),
        loaded_at: marker.loaded_at.toISOString(),
        counts: marker.counts,
      };
    }
    const started = Date.now();
    const l = layoutFor(spec);
    const counts = {
      branches: spec.branches,
      branches_24h: spec.branches24h,
      records: spec.records,
      items: spec.items,
      patrons: spec.patrons,
      closed_loans: spec.closedLoans,
      open_loans: spec.openLoans,
    };
    const total = spec.records + spec.items + spec.patrons + spec.closedLoans + spec.openLoans;
    opts.log(`loading the ${spec.name} dataset with COPY: ${JSON.stringify(counts)}`);
    // one hash of the bench PIN in the patrons' format, shared by every bench patron: hashing 500k PINs
    // separately would take hours of CPU and prove nothing
    const pinHash = new SecretHasher().hashSync(BENCH_PIN);
    const progress = new ProgressBar(total, `load ${spec.name}`);
    await c.query('BEGIN');
    try {
      await c.query(`SET LOCAL synchronous_commit = off`);
      if (marker || opts.reload) await purge(c, opts.log);
      await c.query(
        `INSERT INTO catalog.agencies (isil, name, kind) VALUES ($1, $2, 'member') ON CONFLICT (isil) DO NOTHING`,
        [BENCH_AGENCY, BENCH_AGENCY_NAME],
      );
      for (let b = 0; b < spec.branches; b++) {
        const kind = branchKind(spec, b);
        const name =
          kind === 'central'
            ? '基准测试总馆'
            : kind === 'self_service_24h'
              ? `基准测试24小时自助图书馆${b + 1}`
              : `基准测试分馆${b + 1}`;
        await c.query(
          `INSERT INTO catalog.branches (code, agency, name, kind) VALUES ($1, $2, $3, $4) ON CONFLICT (code) DO NOTHING`,
          [branchCode(b), BENCH_AGENCY, name, kind],
        );
      }
      await loadRecords(c, spec, progress);
      await loadItems(c, l, progress);
      await loadPatrons(c, l, pinHash, progress);
      await loadLoans(c, l, progress);
      await c.query(
        `INSERT INTO bench.dataset (id, scale, fingerprint, counts, load_seconds, loaded_at) VALUES (1, $1, $2, $3, $4, now())
         ON CONFLICT (id) DO UPDATE SET scale = EXCLUDED.scale, fingerprint = EXCLUDED.fingerprint, counts = EXCLUDED.counts,
           load_seconds = EXCLUDED.load_seconds, loaded_at = EXCLUDED.loaded_at`,
        [spec.name, fingerprint, JSON.stringify(counts), (Date.now() - started) / 1000],
      );
      await c.query('COMMIT');
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
    progress.finish();
    await fillItemProjection(c, opts.log);
    opts.log('analyzing the loaded tables');
    for (const t of ['catalog.records', 'catalog.items', 'patrons.patrons', 'loans.loans'])
      await c.query(`ANALYZE ${t}`);
    const secs = (Date.now() - started) / 1000;
    await c.query(`UPDATE bench.dataset SET load_seconds = $1 WHERE id = 1`, [secs]);
    opts.log(`dataset loaded in ${secs.toFixed(1)} s`);
    return {
      scale: spec.name,
      fingerprint,
      reused: false,
      load_seconds: secs,
      loaded_at: new Date().toISOString(),
      counts,
    };
  } finally {
    await c.end();
  }
}

const hasItemProjection = async (c: Client): Promise<boolean> =>
  (await c.query(`SELECT to_regclass('loans.items') IS NOT NULL AS present`)).rows[0].present === true;

/**
 * loans' item projection of the bench items. The catalog's item events fill it in a real deployment;
 * the bench loads catalog.items with COPY, which publishes no event, so it copies the rows here the way
 * the events would have (missing rows only; a parent commit without the projection has no table).
 */
async function fillItemProjection(c: Client, log: (m: string) => void): Promise<void> {
  if (!(await hasItemProjection(c))) return;
  const res = await c.query(
    `INSERT INTO loans.items (agency, barcode, item_id, record_id, title, item_type, home_branch, status, loanable, version)
     SELECT i.agency, i.barcode, i.id, i.record_id, r.title, i.item_type, i.home_branch, i.status, i.loanable, i.version
       FROM catalog.items i JOIN catalog.records r ON r.id = i.record_id
      WHERE i.agency = $1
     ON CONFLICT (agency, barcode) DO NOTHING`,
    [BENCH_AGENCY],
  );
  if (res.rowCount) log(`item projection: ${res.rowCount} bench items copied to loans.items`);
  await c.query(`ANALYZE loans.items`);
}

function title(i: number): string {
  return `${T1[i % T1.length]}${T2[Math.floor(i / T1.length) % T2.length]}（${Math.floor(i / (T1.length * T2.length)) + 1}）`;
}

async function loadRecords(c: Client, spec: ScaleSpec, progress: ProgressBar): Promise<void> {
  await copy(
    c,
    `COPY catalog.records (id, title, author, isbn, publisher, year, clc_call_number) FROM STDIN`,
    chunked(
      spec.records,
      (i) =>
        tsv([
          benchUuid('record', i),
          title(i),
          `${SURNAMES[i % SURNAMES.length]}${GIVEN[(i >> 3) % GIVEN.length]}`,
          i % 3 === 0 ? null : `97875${String(i).padStart(8, '0')}`,
          PUBLISHERS[i % PUBLISHERS.length],
          1980 + (i % 46),
          CLC[i % CLC.length],
        ]),
      progress,
      'records',
    ),
  );
}

async function loadItems(c: Client, l: Layout, progress: ProgressBar): Promise<void> {
  const { spec } = l;
  const openAt = new Map<number, number>();
  for (let j = 0; j < spec.openLoans; j++) openAt.set(openLoanItem(l, j), j);
  const now = Date.now();
  await copy(
    c,
    `COPY catalog.items (id, agency, barcode, record_id, item_type, home_branch, current_location, shelf_location, status, loanable, price_fen, status_changed_at) FROM STDIN`,
    chunked(
      spec.items,
      (i) => {
        const p = itemProfile(l, i);
        const rec = Math.min(spec.records - 1, Math.floor((i * spec.records) / spec.items));
        const home = branchCode(itemHomeBranch(l, i));
        const j = openAt.get(i);
        const status = j !== undefined ? 'on_loan' : p.status;
        const changed = j !== undefined ? new Date(openLoanCheckout(j, now)).toISOString() : '2025-01-01T00:00:00Z';
        return tsv([
          benchUuid('item', i),
          BENCH_AGENCY,
          itemBarcode(i),
          benchUuid('record', rec),
          p.type,
          home,
          home,
          `${CLC[rec % CLC.length].charAt(0)} 区`,
          status,
          p.loanable,
          2000 + (i % 80) * 100,
          changed,
        ]);
      },
      progress,
      'items',
    ),
  );
}

async function loadPatrons(c: Client, l: Layout, pinHash: string, progress: ProgressBar): Promise<void> {
  const lost = JSON.stringify({
    card_lost: { reason: 'bench: reported lost', actor: 'bench', since: '2025-01-01T00:00:00.000Z' },
  });
  await copy(
    c,
    `COPY patrons.patrons (id, agency, barcode, name, patron_type, home_branch, card_expires_on, status, blocks, block_details, pin_hash) FROM STDIN`,
    chunked(
      l.spec.patrons,
      (i) => {
        const p = patronProfile(l, i);
        const name = `${SURNAMES[i % SURNAMES.length]}${GIVEN[(i * 7) % GIVEN.length]}${i % 3 === 0 ? '' : GIVEN[(i * 13) % GIVEN.length]}`;
        return tsv([
          benchUuid('patron', i),
          BENCH_AGENCY,
          patronBarcode(i),
          name,
          p.type,
          branchCode(i % l.spec.branches),
          p.expired ? '2024-12-31' : '2031-12-31',
          'active',
          p.cardLost ? '{card_lost}' : '{}',
          p.cardLost ? lost : '{}',
          pinHash,
        ]);
      },
      progress,
      'patrons',
    ),
  );
}

/** Seeded open loans were checked out in the last 20 days (none overdue, so no patron is blocked by them). */
function openLoanCheckout(j: number, now: number): number {
  return now - (1 + (j % 20)) * 86_400_000 - (j % 3600) * 1000;
}

async function loadLoans(c: Client, l: Layout, progress: ProgressBar): Promise<void> {
  const { spec } = l;
  const now = Date.now();
  const r = mulberry32(7);
  const cols = `id, patron_agency, patron_barcode, patron_type, item_agency, item_barcode, item_id, title, item_type, owning_branch, checkout_branch, channel, rule_id, checked_out_at, due_at, due_date, renewals, last_renewed_at, returned_at, return_branch, return_channel`;
  const loanRow = (
    id: number,
    item: number,
    patron: number,
    out: Date,
    returned: Date | null,
    branch: number,
    returnBranch: number,
    channel: string,
  ) => {
    const ip = itemProfile(l, item);
    const pp = patronProfile(l, patron);
    const rec = Math.min(spec.records - 1, Math.floor((item * spec.records) / spec.items));
    const { dueAt, dueDate } = dueFor(out, loanDaysFor(ip.type));
    return tsv([
      benchUuid('loan', id),
      BENCH_AGENCY,
      patronBarcode(patron),
      pp.type,
      BENCH_AGENCY,
      itemBarcode(item),
      benchUuid('item', item),
      title(rec),
      ip.type,
      branchCode(itemHomeBranch(l, item)),
      branchCode(branch),
      channel,
      ruleFor(pp.type, ip.type),
      out.toISOString(),
      dueAt.toISOString(),
      dueDate,
      0,
      null,
      returned ? returned.toISOString() : null,
      returned ? branchCode(returnBranch) : null,
      returned ? channel : null,
    ]);
  };
  // history: two years back, any general item that circulates, any general patron
  await copy(
    c,
    `COPY loans.loans (${cols}) FROM STDIN`,
    chunked(
      spec.closedLoans,
      (i) => {
        let item = Math.floor(r() * l.generalItems);
        while (!circulates(l, item)) item = (item + 1) % l.generalItems;
        const patron = Math.floor(r() * l.generalPatrons);
        const out = new Date(now - 30 * 86_400_000 - Math.floor(r() * 700 * 86_400_000));
        const back = new Date(out.getTime() + Math.floor((3 + r() * 40) * 86_400_000));
        const branch = Math.floor(r() * spec.branches);
        return loanRow(
          i,
          item,
          patron,
          out,
          back,
          branch,
          r() < 0.7 ? branch : Math.floor(r() * spec.branches),
          r() < 0.6 ? 'sip2' : 'desk',
        );
      },
      progress,
      'closed loans',
    ),
  );
  await copy(
    c,
    `COPY loans.loans (${cols}) FROM STDIN`,
    chunked(
      spec.openLoans,
      (j) => {
        const item = openLoanItem(l, j);
        return loanRow(
          spec.closedLoans + j,
          item,
          openLoanPatron(l, j),
          new Date(openLoanCheckout(j, now)),
          null,
          itemHomeBranch(l, item),
          0,
          'sip2',
        );
      },
      progress,
      'open loans',
    ),
  );
}

/** Rows of one table, generated in chunks so COPY streams without holding the table in memory. */
function chunked(
  total: number,
  row: (i: number) => string,
  progress: ProgressBar,
  stage: string,
  chunk = 5000,
): Readable {
  let i = 0;
  return new Readable({
    read() {
      if (i >= total) {
        this.push(null);
        return;
      }
      const end = Math.min(total, i + chunk);
      const start = i;
      let s = '';
      for (; i < end; i++) s += row(i);
      progress.add(end - start, stage);
      this.push(s);
    },
  });
}
