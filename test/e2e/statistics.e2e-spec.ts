import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { connect, JSONCodec, NatsConnection } from 'nats';
import { Client } from 'pg';
import { createStandaloneRpcClient, NatsRpcClient } from '@app/common';
import {
  AnnualReport,
  CatalogCreateItem,
  CatalogCreateRecord,
  CatalogUpsertBranch,
  EVENT_STREAM,
  HeatmapReport,
  LoansCheckin,
  LoansCheckout,
  LoansRenew,
  PatronsCreate,
  ReportTable,
} from '@app/contracts';
import { e2eEnv } from './e2e-env';

/**
 * Statistics on the running suite: real circulation through loans (desk over HTTP, SIP2-channel
 * commands at a 24-hour library) reaches the statistics service through JetStream; the reports must
 * equal counts taken directly from the loans tables, a replay of the events must not change them, and
 * a generated year of loans history, backfilled over NATS, must give the annual report the loans
 * data gives. Exports (CSV, XLSX) are parsed back. Each run uses its own branches, so the other e2e
 * specs' traffic does not touch these numbers.
 */
jest.setTimeout(300_000);
const env = e2eEnv();
const KSL = 'CN-320583-1-KSL';
const TZ = 'Asia/Shanghai';
const run = randomUUID().slice(0, 4).toUpperCase();
const BRANCH = `KSL-ST${run}`;
const BRANCH_24H = `KSL-ST${run}-24H`;
const auth = { authorization: `Bearer ${env.apiKey}` };
const codec = JSONCodec<Record<string, unknown>>();

/** mulberry32: a small seeded PRNG, so a failing run can be repeated exactly */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let rpc: NatsRpcClient;
let closeRpc: () => Promise<void>;
let pg: Client;
let nc: NatsConnection;

const today = () =>
  new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(),
  );

async function get<T>(path: string): Promise<T> {
  const res = await fetch(`${env.gatewayUrl}${path}`, { headers: auth });
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * Waits until every event committed so far is relayed (the outboxes of loans, patrons and catalog are
 * empty) and the statistics consumer has acknowledged everything in the stream: a condition, not a delay.
 */
async function statisticsCaughtUp(timeoutMs = 90_000): Promise<void> {
  const jsm = await nc.jetstreamManager();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await pg.query(
      `SELECT (SELECT count(*) FROM loans.outbox WHERE published_at IS NULL) + (SELECT count(*) FROM patrons.outbox WHERE published_at IS NULL)
         + (SELECT count(*) FROM catalog.outbox WHERE published_at IS NULL) AS n`,
    );
    const unrelayed = Number(rows[0].n);
    const info = await jsm.consumers.info(EVENT_STREAM, 'statistics');
    if (unrelayed === 0 && info.num_pending === 0 && info.num_ack_pending === 0) return;
    if (Date.now() > deadline) {
      throw new Error(
        `statistics still behind: ${unrelayed} unrelayed, ${info.num_pending} pending, ${info.num_ack_pending} unacknowledged`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The report's counts for our branches, keyed branch|channel|action. */
async function reportCounts(from: string, to: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const branch of [BRANCH, BRANCH_24H]) {
    const t = await get<ReportTable>(`/api/statistics/circulation?from=${from}&to=${to}&branch=${branch}`);
    for (const r of t.rows) {
      const key = r.action === 'renew' ? 'renew' : `${r.branch}|${r.channel}|${r.action}`;
      out.set(key, (out.get(key) ?? 0) + Number(r.count));
    }
  }
  return out;
}

/** The same counts straight from loans.loans (what the loans service recorded). */
async function loansCounts(): Promise<Map<string, number>> {
  const chan = (raw: string, branch: string) =>
    raw === 'sip2' ? (branch === BRANCH_24H ? '24h' : 'sip2') : raw === 'desk' || raw === 'api' ? 'desk' : raw;
  const out = new Map<string, number>();
  const add = (k: string, n: number) => n > 0 && out.set(k, (out.get(k) ?? 0) + n);
  const { rows: outs } = await pg.query(
    `SELECT checkout_branch AS b, channel AS c, count(*)::int AS n, sum(renewals)::int AS r FROM loans.loans WHERE checkout_branch = ANY($1) GROUP BY 1, 2`,
    [[BRANCH, BRANCH_24H]],
  );
  // a renewal is counted where it happened, which loans does not keep: renewals are compared as a total
  for (const r of outs) {
    add(`${r.b}|${chan(r.c, r.b)}|checkout`, r.n);
    add('renew', r.r);
  }
  const { rows: ins } = await pg.query(
    `SELECT return_branch AS b, return_channel AS c, count(*)::int AS n FROM loans.loans WHERE return_branch = ANY($1) AND returned_at IS NOT NULL GROUP BY 1, 2`,
    [[BRANCH, BRANCH_24H]],
  );
  for (const r of ins) add(`${r.b}|${chan(r.c, r.b)}|checkin`, r.n);
  return out;
}

const sorted = (m: Map<string, number>) =>
  Object.fromEntries([...m].filter(([, v]) => v > 0).sort(([a], [b]) => a.localeCompare(b)));

beforeAll(async () => {
  ({ client: rpc, close: closeRpc } = createStandaloneRpcClient(env.natsUrl, 'statistics-e2e', 15_000));
  pg = new Client({ connectionString: env.databaseUrl });
  await pg.connect();
  nc = await connect({ servers: env.natsUrl });
  await rpc.call(CatalogUpsertBranch, { code: BRANCH, agency: KSL, name: `统计测试分馆 ${run}`, kind: 'branch' });
  await rpc.call(CatalogUpsertBranch, {
    code: BRANCH_24H,
    agency: KSL,
    name: `统计测试24小时 ${run}`,
    kind: 'self_service_24h',
  });
});

afterAll(async () => {
  await closeRpc?.();
  await pg?.end();
  await nc?.close();
});

describe('statistics (e2e)', () => {
  const items: string[] = [];
  const patrons: string[] = [];

  it('counts real circulation by branch and channel exactly as the loans data has it, and a replay changes nothing', async () => {
    const record = await rpc.call(CatalogCreateRecord, { title: `统计测试 ${run}` });
    const types = ['book', 'children_book', 'periodical'] as const;
    for (let i = 0; i < 24; i++) {
      const barcode = `ST${run}${String(i).padStart(4, '0')}`;
      await rpc.call(CatalogCreateItem, {
        agency: KSL,
        barcode,
        recordId: record.id,
        itemType: types[i % 3],
        homeBranch: BRANCH,
      });
      items.push(barcode);
    }
    for (let i = 0; i < 5; i++) {
      const barcode = `PST${run}${i}`;
      await rpc.call(PatronsCreate, {
        agency: KSL,
        barcode,
        name: `读者${i}`,
        patronType: i % 2 ? 'child' : 'adult',
        homeBranch: BRANCH,
        cardExpiresOn: '2030-12-31',
        pin: '1234',
      });
      patrons.push(barcode);
    }

    // ~150 transactions from a fixed seed: desk over HTTP at BRANCH, the SIP2 channel at both branches
    const random = prng(20261203);
    const onLoan = new Map<string, string>();
    let refused = 0;
    for (let step = 0; step < 150; step++) {
      const item = items[Math.floor(random() * items.length)];
      const branch = random() < 0.5 ? BRANCH : BRANCH_24H;
      const sip2 = branch === BRANCH_24H || random() < 0.3;
      const holder = onLoan.get(item);
      try {
        if (!holder) {
          const patron = patrons[Math.floor(random() * patrons.length)];
          const body = { patron: { agency: KSL, barcode: patron }, item: { agency: KSL, barcode: item }, branch };
          if (sip2) await rpc.call(LoansCheckout, { ...body, channel: 'sip2' });
          else await httpPost('/api/circulation/checkout', body);
          onLoan.set(item, patron);
        } else if (random() < 0.25) {
          const body = { patron: { agency: KSL, barcode: holder }, item: { agency: KSL, barcode: item }, branch };
          if (sip2) await rpc.call(LoansRenew, { ...body, channel: 'sip2' });
          else await httpPost('/api/circulation/renew', body);
        } else {
          const body = { item: { agency: KSL, barcode: item }, branch };
          if (sip2) await rpc.call(LoansCheckin, { ...body, channel: 'sip2' });
          else await httpPost('/api/circulation/checkin', body);
          onLoan.delete(item);
        }
      } catch {
        refused++; // renewal limits, patron limits: refused transactions are not counted anywhere
      }
    }
    expect(refused).toBeLessThan(150);

    await statisticsCaughtUp();
    const expected = await loansCounts();
    expected.set(`${BRANCH}|desk|card_issued`, patrons.length); // the five patrons made above (home branch BRANCH)
    expect(expected.get(`${BRANCH_24H}|24h|checkout`)).toBeGreaterThan(0);
    expect(expected.get(`${BRANCH}|desk|checkout`)).toBeGreaterThan(0);
    const day = today();
    expect(sorted(await reportCounts(day, day))).toEqual(sorted(expected));

    // the heat map of today's checkouts at BRANCH sums to the same count
    const heat = await get<HeatmapReport>(`/api/statistics/heatmap?from=${day}&to=${day}&branch=${BRANCH}`);
    const checkoutsHere = [...expected]
      .filter(([k]) => k.startsWith(`${BRANCH}|`) && k.endsWith('|checkout'))
      .reduce((a, [, n]) => a + n, 0);
    expect(heat.total).toBe(checkoutsHere);

    // replay: every loan event of our branches published again under a new message id
    const replayed = await republishLoanEvents();
    expect(replayed).toBeGreaterThan(50);
    await statisticsCaughtUp();
    expect(sorted(await reportCounts(day, day))).toEqual(sorted(expected));
  });

  it('backfills a generated year of loans history over NATS; the annual report matches the loans data; twice counts once', async () => {
    const year = 2024;
    await insertGeneratedYear(year, 3000, 424242);
    const first = await httpPost<{ loansRead: number; rowsInserted: number }>('/api/statistics/backfill', {});
    expect(first.loansRead).toBeGreaterThanOrEqual(3000);
    expect(first.rowsInserted).toBeGreaterThanOrEqual(3000);

    const truth = await yearFromLoans(year);
    const annual = await get<AnnualReport>(`/api/statistics/annual?year=${year}`);
    const value = (label: string) => annual.table.rows.find((r) => String(r.indicator).includes(label))?.value;
    expect(value('loans')).toBe(truth.checkouts);
    expect(value('checkouts and returns')).toBe(truth.checkouts + truth.checkins);
    expect(value('24-hour library loans')).toBe(truth.loans24h);
    const indicator = (label: string) => annual.indicators.rows.find((r) => String(r.indicator).includes(label))?.value;
    expect(indicator('annual loans')).toBe(truth.checkouts);
    expect(indicator('borrowing visits')).toBe(truth.visits);
    expect(indicator('outreach loans')).toBe(truth.loans24h);
    expect(Object.fromEntries(annual.branches.rows.map((r) => [r.branch, r.count]))).toEqual(truth.perBranch);

    // a second backfill adds nothing
    const second = await httpPost<{ rowsInserted: number }>('/api/statistics/backfill', {});
    expect(second.rowsInserted).toBe(0);
    expect(await get<AnnualReport>(`/api/statistics/annual?year=${year}`)).toEqual(annual);

    // exports parse back to the same numbers
    const csv = await download(
      `/api/statistics/circulation?from=${year}-01-01&to=${year}-12-31&action=checkout&format=csv`,
      'text/csv',
    );
    const csvBook = new ExcelJS.Workbook();
    const sheet = await csvBook.csv.read(Readable.from([csv.toString('utf8').replace(/^\ufeff/, '')]));
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(['date', 'branch', 'channel', 'action', 'count']);
    let csvTotal = 0;
    sheet.eachRow((row, n) => n > 1 && (csvTotal += Number(row.getCell(5).value)));
    expect(csvTotal).toBe(truth.checkouts);

    const xlsx = await download(`/api/statistics/annual?year=${year}&format=xlsx`, 'application/vnd.openxmlformats');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx as unknown as ArrayBuffer);
    expect(book.worksheets).toHaveLength(3);
    const cells = book.worksheets[0].getSheetValues().slice(2) as unknown[][];
    const loansRow = cells.find((r) => String(r[1]).includes('外借量 loans'));
    expect(loansRow?.[2]).toBe(truth.checkouts);
    const branchSheet = book.worksheets[2];
    const perBranch: Record<string, number> = {};
    branchSheet.eachRow((row, n) => n > 1 && (perBranch[String(row.getCell(1).value)] = Number(row.getCell(2).value)));
    expect(perBranch).toEqual(truth.perBranch);
  });

  it('refuses bad report queries with 400 and needs a key', async () => {
    const bad = await fetch(`${env.gatewayUrl}/api/statistics/circulation?from=2024-13-01&to=2024-01-01`, {
      headers: auth,
    });
    expect(bad.status).toBe(400);
    const reversed = await fetch(`${env.gatewayUrl}/api/statistics/circulation?from=2024-02-01&to=2024-01-01`, {
      headers: auth,
    });
    expect(reversed.status).toBe(400);
    const anonymous = await fetch(`${env.gatewayUrl}/api/statistics/annual?year=2024`);
    expect(anonymous.status).toBe(401);
  });
});

async function httpPost<T = unknown>(path: string, body: unknown): Promise<T> {
  const res = await fetch(`${env.gatewayUrl}${path}`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function download(path: string, type: string): Promise<Buffer> {
  const res = await fetch(`${env.gatewayUrl}${path}`, { headers: auth });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain(type);
  return Buffer.from(await res.arrayBuffer());
}

/** Reads the stream's loan events of our branches and publishes each again (same envelope, new Nats-Msg-Id). */
async function republishLoanEvents(): Promise<number> {
  const js = nc.jetstream();
  const jsm = await nc.jetstreamManager();
  const { state } = await jsm.streams.info(EVENT_STREAM);
  const ours = new Set([BRANCH, BRANCH_24H]);
  let count = 0;
  for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
    const m = await jsm.streams.getMessage(EVENT_STREAM, { seq }).catch(() => null); // deleted or expired
    if (!m || !m.subject.startsWith('events.loans.')) continue;
    const data = codec.decode(m.data).data as { branch?: string };
    if (data.branch && ours.has(data.branch)) {
      await js.publish(m.subject, m.data, { msgID: `replay-${randomUUID()}` });
      count++;
    }
  }
  return count;
}

/** A year of returned loans at the demo branches, written straight into the loans data (like the bench). */
async function insertGeneratedYear(year: number, n: number, seed: number): Promise<void> {
  const random = prng(seed);
  const branches = ['KSL-MAIN', 'KSL-ZS', 'KSL-HQ', 'KSL-24H-SLGY'];
  const start = Date.UTC(year, 0, 1) - 8 * 3600_000; // local midnight, 1 January
  const yearMs = (year % 4 === 0 ? 366 : 365) * 86_400_000;
  const rows: unknown[][] = [];
  for (let i = 0; i < n; i++) {
    const out = new Date(start + Math.floor(random() * yearMs));
    const branch = branches[Math.floor(random() * branches.length)];
    const channel = branch === 'KSL-24H-SLGY' ? 'sip2' : random() < 0.6 ? 'sip2' : 'desk';
    const returned = random() < 0.85 ? new Date(out.getTime() + Math.floor(random() * 40 * 86_400_000)) : null;
    const returnBranch = branches[Math.floor(random() * branches.length)];
    const renewals = random() < 0.1 ? 1 : 0;
    const patron = `PY${String(Math.floor(random() * 400)).padStart(5, '0')}`;
    const due = new Date(out.getTime() + 30 * 86_400_000);
    rows.push([
      randomUUID(),
      KSL,
      patron,
      random() < 0.2 ? 'child' : 'adult',
      KSL,
      `Y${seed}-${i}`,
      randomUUID(),
      '生成的书',
      random() < 0.3 ? 'children_book' : 'book',
      branch,
      branch,
      channel,
      'generated',
      out.toISOString(),
      due.toISOString(),
      due.toISOString().slice(0, 10),
      renewals,
      renewals ? new Date(out.getTime() + 86_400_000).toISOString() : null,
      returned?.toISOString() ?? null,
      returned ? returnBranch : null,
      returned ? channel : null,
    ]);
  }
  const cols = 21;
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    const values = chunk
      .map((_, r) => `(${Array.from({ length: cols }, (_, c) => `$${r * cols + c + 1}`).join(', ')})`)
      .join(', ');
    await pg.query(
      `INSERT INTO loans.loans (id, patron_agency, patron_barcode, patron_type, item_agency, item_barcode, item_id, title, item_type, owning_branch, checkout_branch, channel, rule_id,
         checked_out_at, due_at, due_date, renewals, last_renewed_at, returned_at, return_branch, return_channel) VALUES ${values}`,
      chunk.flat(),
    );
  }
}

/** What the loans data says about a year, in library-local days. */
async function yearFromLoans(year: number): Promise<{
  checkouts: number;
  checkins: number;
  loans24h: number;
  visits: number;
  perBranch: Record<string, number>;
}> {
  const local = (col: string) => `(${col} AT TIME ZONE '${TZ}')::date BETWEEN '${year}-01-01' AND '${year}-12-31'`;
  const one = async (sql: string) => (await pg.query(sql)).rows[0].n as number;
  const checkouts = await one(`SELECT count(*)::int AS n FROM loans.loans WHERE ${local('checked_out_at')}`);
  const checkins = await one(
    `SELECT count(*)::int AS n FROM loans.loans WHERE returned_at IS NOT NULL AND ${local('returned_at')}`,
  );
  const loans24h = await one(
    `SELECT count(*)::int AS n FROM loans.loans WHERE checkout_branch = 'KSL-24H-SLGY' AND channel = 'sip2' AND ${local('checked_out_at')}`,
  );
  const visits = await one(
    `SELECT count(*)::int AS n FROM (SELECT DISTINCT patron_agency, patron_barcode, (checked_out_at AT TIME ZONE '${TZ}')::date FROM loans.loans WHERE ${local('checked_out_at')}) v`,
  );
  const { rows } = await pg.query(
    `SELECT checkout_branch AS b, count(*)::int AS n FROM loans.loans WHERE ${local('checked_out_at')} GROUP BY 1 ORDER BY 1`,
  );
  return { checkouts, checkins, loans24h, visits, perBranch: Object.fromEntries(rows.map((r) => [r.b, r.n])) };
}
