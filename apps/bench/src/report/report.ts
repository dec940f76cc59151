import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LatencySummary } from './latency-histogram';
import type { ProcessUsage } from './proc-stats';

/** SIP2 request codes the kiosks send, with report names. */
export const MESSAGE_NAMES: Record<string, string> = {
  '63': 'patron_info',
  '11': 'checkout',
  '09': 'checkin',
  '29': 'renew',
  '17': 'item_info',
};

export interface PhaseResult {
  kiosks: number;
  duration_s: number;
  messages: number;
  /** all SIP2 request/response exchanges per second */
  tx_per_s: number;
  /** checkouts + checkins + renewals per second (the writes) */
  circulation_tx_per_s: number;
  errors: number;
  all: LatencySummary;
  /** keyed by message name: checkout, checkin, renew, patron_info, item_info */
  by_type: Record<string, LatencySummary>;
  /**
   * Closed loop only: CPU milliseconds each process spent per SIP2 message (`all`: every tracked
   * process, the load generator included). Steadier from run to run than msg/s on a shared machine.
   */
  cpu_ms_per_msg?: Record<string, number>;
}

export interface OpenLoopResult extends PhaseResult {
  rate_per_s: number;
  arrival: string;
  /** achieved throughput; below rate_per_s means the suite fell behind */
  achieved_per_s: number;
}

export interface BenchReport {
  version: 1;
  started_at: string;
  finished_at: string;
  machine: Record<string, unknown>;
  scale: string;
  dataset: Record<string, unknown>;
  infrastructure: Record<string, unknown>;
  kiosks: number;
  warmup?: Record<string, unknown>;
  sweep: (PhaseResult & { concurrency: number })[];
  closed_loop: PhaseResult | null;
  open_loop: (OpenLoopResult & { checkout: LatencySummary }) | null;
  limits: {
    nats_req_per_s: number | null;
    nats: Record<string, unknown> | null;
    pg_checkout_tx_per_s: number | null;
    pg: Record<string, unknown> | null;
  };
  /** our closed-loop throughput as a fraction of each raw limit */
  ratios: { pg: number | null; nats: number | null; pg_circulation_only: number | null };
  year_replay: Record<string, unknown> & { seconds: number | null };
  services: Record<string, ProcessUsage>;
  infra_processes: Record<string, ProcessUsage>;
  /** sum of the services' peak RSS (not PostgreSQL/NATS) */
  rss_total_mib: number;
  errors: number;
  error_samples: string[];
  skipped: string[];
  targets: Record<string, { target: string; value: number | null; met: boolean | null }>;
}

export const ratio = (ours: number | null | undefined, limit: number | null | undefined): number | null =>
  ours != null && limit != null && limit > 0 ? Math.round((ours / limit) * 1000) / 1000 : null;

/**
 * CPU ms per message from one phase's CPU % (100 = one core) and its message rate; the machine-wide
 * entries of cpuSince() are left out, `all` sums the processes.
 */
export function cpuPerMessage(
  cpuPct: Record<string, number> | undefined,
  msgPerS: number,
): Record<string, number> | undefined {
  if (!cpuPct || !(msgPerS > 0)) return undefined;
  const out: Record<string, number> = {};
  let all = 0;
  for (const [name, p] of Object.entries(cpuPct)) {
    if (name.startsWith('machine')) continue;
    const ms = (p * 10) / msgPerS; // p % of a core = p * 10 ms of CPU per second
    out[name] = Math.round(ms * 1000) / 1000;
    all += ms;
  }
  out.all = Math.round(all * 1000) / 1000;
  return out;
}

/** Evaluate the issue's targets (measured, reported; never asserted). */
export function evaluateTargets(r: BenchReport): BenchReport['targets'] {
  const t = (target: string, value: number | null | undefined, ok: (v: number) => boolean) => ({
    target,
    value: value ?? null,
    met: value == null ? null : ok(value),
  });
  const replayed = Number(r.year_replay.transactions ?? 0);
  return {
    sip2_checkout_p99_open_loop: t(
      '< 10 ms at 200 kiosks, 500 msg/s open loop',
      r.open_loop?.checkout.p99_ms,
      (v) => v < 10,
    ),
    closed_loop_tx_per_s: t('>= 2000 tx/s closed loop', r.closed_loop?.tx_per_s, (v) => v >= 2000),
    ratio_pg: t('>= 40% of raw PG checkout rate', r.ratios.pg, (v) => v >= 0.4),
    // the target is the seed network's whole year: a smaller replay is scaled up to 2.22M transactions
    year_replay_seconds: t(
      "< 20 min (1200 s) for the seed network's year (2.22M transactions)",
      r.year_replay.seconds == null || replayed <= 0
        ? null
        : Math.round((r.year_replay.seconds * SEED_YEAR_TRANSACTIONS) / replayed),
      (v) => v < 1200,
    ),
    rss_total_mib: t(
      'all services together < 1 GiB RSS',
      Object.keys(r.services).length ? r.rss_total_mib : null,
      (v) => v < 1024,
    ),
  };
}

const f = (x: number | null | undefined, d = 1) =>
  x == null ? '–' : x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: 0 });
const pct = (x: number | null | undefined) => (x == null ? '–' : `${(x * 100).toFixed(1)} %`);

function latencyTable(p: PhaseResult): string[] {
  const rows = ['| message | count | p50 ms | p95 ms | p99 ms | max ms |', '|---|---:|---:|---:|---:|---:|'];
  for (const [name, s] of [...Object.entries(p.by_type), ['all', p.all] as const]) {
    rows.push(
      `| ${name} | ${s.count} | ${f(s.p50_ms, 2)} | ${f(s.p95_ms, 2)} | ${f(s.p99_ms, 2)} | ${f(s.max_ms, 2)} |`,
    );
  }
  return rows;
}

/** The table docs/performance.md and README show: the headline numbers of one run. */
export function headlineTable(r: BenchReport): string {
  const m = r.machine as { cpus?: number; cpu_model?: string; mem_gib?: number };
  const rows = [
    `| metric | value | target |`,
    `|---|---:|---|`,
    `| SIP2 checkout p50 / p99, open loop ${f(r.open_loop?.rate_per_s, 0)} msg/s, ${r.open_loop?.kiosks ?? '–'} kiosks | ${f(r.open_loop?.checkout.p50_ms, 2)} / ${f(r.open_loop?.checkout.p99_ms, 2)} ms | p99 < 10 ms ${mark(r.targets.sip2_checkout_p99_open_loop?.met)} |`,
    `| SIP2 throughput, closed loop, ${r.closed_loop?.kiosks ?? '–'} kiosks | ${f(r.closed_loop?.tx_per_s, 0)} msg/s (${f(r.closed_loop?.circulation_tx_per_s, 0)} checkout+checkin+renew/s) | ≥ 2,000 ${mark(r.targets.closed_loop_tx_per_s?.met)} |`,
    `| process CPU per SIP2 message, closed loop (all processes) | ${f(r.closed_loop?.cpu_ms_per_msg?.all, 2)} ms | – |`,
    `| raw NATS request/reply (nats client alone) | ${f(r.limits.nats_req_per_s, 0)} req/s | – |`,
    `| raw PostgreSQL checkout-shaped tx (pg alone) | ${f(r.limits.pg_checkout_tx_per_s, 0)} tx/s | – |`,
    `| ours ÷ raw PG / ÷ raw NATS | ${pct(r.ratios.pg)} / ${pct(r.ratios.nats)} | PG ≥ 40 % ${mark(r.targets.ratio_pg?.met)} |`,
    `| year replay (${f(Number(r.year_replay.transactions ?? 0), 0)} tx via ${String(r.year_replay.via ?? '–')}) | ${r.year_replay.seconds == null ? '–' : `${f(r.year_replay.seconds, 0)} s`}${r.targets.year_replay_seconds?.value != null && replayedAll(r) ? '' : r.targets.year_replay_seconds?.value != null ? ` (2.22M tx ≈ ${f(Number(r.targets.year_replay_seconds.value) / 60, 0)} min)` : ''} | < 20 min ${mark(r.targets.year_replay_seconds?.met)} |`,
    `| peak RSS, all services together / largest | ${f(r.rss_total_mib, 0)} MiB / ${f(largestRss(r), 0)} MiB | together < 1 GiB ${mark(r.targets.rss_total_mib?.met)} |`,
    `| errors | ${r.errors} | 0 |`,
  ];
  return `Scale \`${r.scale}\`, ${r.started_at.slice(0, 16).replace('T', ' ')} UTC, ${m.cpus ?? '?'} × ${m.cpu_model ?? '?'}, ${m.mem_gib ?? '?'} GiB.\n\n${rows.join('\n')}`;
}

const SEED_YEAR_TRANSACTIONS = 2_220_000;
const replayedAll = (r: BenchReport) => Number(r.year_replay.transactions ?? 0) >= SEED_YEAR_TRANSACTIONS;
const largestRss = (r: BenchReport) =>
  Object.keys(r.services).length ? Math.max(...Object.values(r.services).map((s) => s.peak_rss_mib)) : null;

const mark = (met: boolean | null | undefined) => (met == null ? '' : met ? '✅' : '❌');

export function renderMarkdown(r: BenchReport, chartFile?: string): string {
  const out: string[] = [];
  out.push(`# Benchmark report — scale \`${r.scale}\``, '');
  out.push(headlineTable(r), '');
  if (r.skipped.length) out.push(`**Skipped:** ${r.skipped.join('; ')}`, '');
  out.push('## Machine', '', '```json', JSON.stringify(r.machine, null, 2), '```', '');
  out.push('## Dataset', '', '```json', JSON.stringify(r.dataset, null, 2), '```', '');
  if (r.open_loop) {
    out.push(
      `## Open loop: ${r.open_loop.rate_per_s} msg/s (${r.open_loop.arrival}) over ${r.open_loop.kiosks} kiosks, ${r.open_loop.duration_s} s`,
      '',
    );
    out.push(
      `Latency from the *scheduled* send time (coordinated-omission corrected). Achieved ${f(r.open_loop.achieved_per_s, 0)} msg/s, ${r.open_loop.errors} errors.`,
      '',
    );
    out.push(...latencyTable(r.open_loop), '');
  }
  if (r.closed_loop) {
    out.push(`## Closed loop: ${r.closed_loop.kiosks} kiosks, no think time, ${r.closed_loop.duration_s} s`, '');
    out.push(
      `${f(r.closed_loop.tx_per_s, 0)} msg/s, of which ${f(r.closed_loop.circulation_tx_per_s, 0)}/s checkouts, checkins and renewals; ${r.closed_loop.errors} errors.`,
      '',
    );
    const cpu = r.closed_loop.cpu_ms_per_msg;
    if (cpu) {
      const parts = Object.entries(cpu)
        .filter(([n, v]) => n !== 'all' && v >= 0.005)
        .sort((a, b) => b[1] - a[1]);
      out.push(
        `CPU per message: ${f(cpu.all, 3)} ms over all processes (${parts.map(([n, v]) => `${n} ${f(v, 3)}`).join(', ')}).`,
        '',
      );
    }
    out.push(...latencyTable(r.closed_loop), '');
  }
  if (r.sweep.length) {
    out.push('## Closed loop by concurrency', '');
    if (chartFile) out.push(`![latency percentiles against concurrency](${chartFile})`, '');
    out.push('| kiosks | msg/s | p50 ms | p95 ms | p99 ms | max ms | errors |', '|---:|---:|---:|---:|---:|---:|---:|');
    for (const s of r.sweep)
      out.push(
        `| ${s.concurrency} | ${f(s.tx_per_s, 0)} | ${f(s.all.p50_ms, 2)} | ${f(s.all.p95_ms, 2)} | ${f(s.all.p99_ms, 2)} | ${f(s.all.max_ms, 2)} | ${s.errors} |`,
      );
    out.push('');
  }
  out.push(
    '## Limits of this machine',
    '',
    '```json',
    JSON.stringify({ limits: r.limits, ratios: r.ratios }, null, 2),
    '```',
    '',
  );
  out.push('## Year replay', '', '```json', JSON.stringify(r.year_replay, null, 2), '```', '');
  out.push('## Processes (peak RSS, CPU over the measured phases; 100 % = one core)', '');
  out.push('| process | pid | peak RSS MiB | CPU s | mean CPU % | peak CPU % |', '|---|---:|---:|---:|---:|---:|');
  for (const [name, u] of [...Object.entries(r.services), ...Object.entries(r.infra_processes)]) {
    out.push(
      `| ${name} | ${u.pid} | ${f(u.peak_rss_mib)} | ${f(u.cpu_seconds)} | ${f(u.cpu_pct)} | ${f(u.cpu_pct_peak)} |`,
    );
  }
  out.push('', `Errors: **${r.errors}**`);
  if (r.error_samples.length) out.push('', ...r.error_samples.slice(0, 20).map((e) => `- \`${e.replace(/`/g, "'")}\``));
  out.push('');
  return out.join('\n');
}

/** Latency percentiles (p50/p95/p99) against closed-loop concurrency, as a dependency-free SVG. */
export function renderChart(
  points: { concurrency: number; p50: number; p95: number; p99: number; tx_per_s: number }[],
  title = 'SIP2 latency vs concurrency (closed loop)',
): string {
  const W = 720;
  const H = 420;
  const m = { l: 64, r: 150, t: 40, b: 56 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const maxY = niceCeil(Math.max(1, ...points.map((p) => p.p99)));
  const n = points.length;
  const x = (i: number) => m.l + (n <= 1 ? pw / 2 : (i * pw) / (n - 1));
  const y = (v: number) => m.t + ph - (v / maxY) * ph;
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
  );
  parts.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  parts.push(`<text x="${W / 2 - m.r / 2}" y="22" text-anchor="middle" font-size="15">${esc(title)}</text>`);
  for (let k = 0; k <= 5; k++) {
    const v = (maxY * k) / 5;
    parts.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>`);
    parts.push(`<text x="${m.l - 8}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${fmtTick(v)}</text>`);
  }
  points.forEach((p, i) => {
    parts.push(`<text x="${x(i).toFixed(1)}" y="${m.t + ph + 18}" text-anchor="middle">${p.concurrency}</text>`);
    parts.push(
      `<text x="${x(i).toFixed(1)}" y="${m.t + ph + 32}" text-anchor="middle" fill="#777" font-size="10">${Math.round(p.tx_per_s)}/s</text>`,
    );
  });
  parts.push(`<text x="${m.l + pw / 2}" y="${H - 8}" text-anchor="middle">concurrent kiosks (throughput below)</text>`);
  parts.push(`<text transform="translate(16 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">latency ms</text>`);
  const series: [keyof (typeof points)[number], string, string][] = [
    ['p50', '#2b8a3e', 'p50'],
    ['p95', '#e67700', 'p95'],
    ['p99', '#c92a2a', 'p99'],
  ];
  series.forEach(([key, color, label], si) => {
    const d = points.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)} ${y(p[key] as number).toFixed(1)}`).join(' ');
    if (points.length) parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
    points.forEach((p, i) =>
      parts.push(`<circle cx="${x(i).toFixed(1)}" cy="${y(p[key] as number).toFixed(1)}" r="3" fill="${color}"/>`),
    );
    parts.push(
      `<line x1="${W - m.r + 20}" x2="${W - m.r + 44}" y1="${m.t + 10 + si * 20}" y2="${m.t + 10 + si * 20}" stroke="${color}" stroke-width="2"/>`,
    );
    parts.push(`<text x="${W - m.r + 50}" y="${m.t + 14 + si * 20}">${label}</text>`);
  });
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

function niceCeil(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const s of [1, 2, 2.5, 5, 10]) if (v <= s * p) return s * p;
  return 10 * p;
}
const fmtTick = (v: number) => (v >= 10 ? String(Math.round(v)) : String(Math.round(v * 100) / 100));

export interface WrittenReport {
  json: string;
  markdown: string;
  svg: string;
}

/** Writes FILE.json, FILE.md and FILE.svg (names derived from the JSON path). */
export function writeReport(r: BenchReport, jsonPath: string): WrittenReport {
  const dir = path.dirname(path.resolve(jsonPath));
  fs.mkdirSync(dir, { recursive: true });
  const base = jsonPath.replace(/\.json$/i, '');
  const files = { json: `${base}.json`, markdown: `${base}.md`, svg: `${base}.svg` };
  if (!/\.json$/i.test(jsonPath)) files.json = jsonPath;
  const svg = renderChart(
    r.sweep.map((s) => ({
      concurrency: s.concurrency,
      p50: s.all.p50_ms,
      p95: s.all.p95_ms,
      p99: s.all.p99_ms,
      tx_per_s: s.tx_per_s,
    })),
  );
  fs.writeFileSync(files.svg, svg);
  fs.writeFileSync(files.markdown, renderMarkdown(r, path.basename(files.svg)));
  fs.writeFileSync(files.json, JSON.stringify(r, null, 2) + '\n');
  return files;
}

/** What `--smoke` checks: the report exists and says zero errors (never a speed). */
export function smokeCheck(r: BenchReport, files: WrittenReport): string[] {
  const problems: string[] = [];
  for (const f of Object.values(files))
    if (!fs.existsSync(f) || fs.statSync(f).size === 0) problems.push(`missing ${f}`);
  const parsed = JSON.parse(fs.readFileSync(files.json, 'utf8')) as BenchReport;
  for (const key of [
    'machine',
    'scale',
    'open_loop',
    'closed_loop',
    'limits',
    'ratios',
    'year_replay',
    'rss_total_mib',
    'errors',
  ] as const) {
    if (!(key in parsed)) problems.push(`report has no ${key}`);
  }
  if (r.errors !== 0) problems.push(`${r.errors} errors`);
  return problems;
}
