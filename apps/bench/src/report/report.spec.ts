import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  BenchReport,
  cpuPerMessage,
  evaluateTargets,
  headlineTable,
  ratio,
  renderChart,
  renderMarkdown,
  smokeCheck,
  writeReport,
} from './report';

const lat = (p50: number, p99: number) => ({
  count: 100,
  p50_ms: p50,
  p95_ms: (p50 + p99) / 2,
  p99_ms: p99,
  max_ms: p99 * 2,
  mean_ms: p50,
});
const phase = (kiosks: number, tps: number) => ({
  kiosks,
  duration_s: 10,
  messages: tps * 10,
  tx_per_s: tps,
  circulation_tx_per_s: tps * 0.65,
  errors: 0,
  all: lat(2, 8),
  by_type: { checkout: lat(3, 9), checkin: lat(2, 7) },
});

function sample(): BenchReport {
  const r: BenchReport = {
    version: 1,
    started_at: '2026-01-01T00:00:00.000Z',
    finished_at: '2026-01-01T00:10:00.000Z',
    machine: { cpus: 2, cpu_model: 'AMD EPYC', mem_gib: 24 },
    scale: 'small',
    dataset: { items: 31500 },
    infrastructure: {},
    kiosks: 200,
    sweep: [
      { concurrency: 25, ...phase(25, 900) },
      { concurrency: 200, ...phase(200, 1500) },
    ],
    closed_loop: phase(200, 1500),
    open_loop: { ...phase(200, 499), rate_per_s: 500, arrival: 'uniform', achieved_per_s: 499, checkout: lat(3, 9) },
    limits: { nats_req_per_s: 30000, nats: {}, pg_checkout_tx_per_s: 3000, pg: {} },
    ratios: { pg: ratio(1500, 3000), nats: ratio(1500, 30000), pg_circulation_only: ratio(975, 3000) },
    year_replay: { seconds: 600, transactions: 2220000, via: 'loans NATS API' },
    services: {
      loans: { pid: 1, peak_rss_mib: 180, cpu_seconds: 10, cpu_pct: 50, cpu_pct_peak: 90 },
      sip2: { pid: 2, peak_rss_mib: 120, cpu_seconds: 5, cpu_pct: 25, cpu_pct_peak: 60 },
    },
    infra_processes: {},
    rss_total_mib: 300,
    errors: 0,
    error_samples: [],
    skipped: [],
    targets: {},
  };
  r.targets = evaluateTargets(r);
  return r;
}

describe('report writer', () => {
  it('computes ratios, or null when a side is missing', () => {
    expect(ratio(1500, 3000)).toBe(0.5);
    expect(ratio(null, 3000)).toBeNull();
    expect(ratio(1, 0)).toBeNull();
  });

  it("turns a phase's CPU % into CPU ms per message, leaving out the machine-wide entries", () => {
    const per = cpuPerMessage(
      { 'machine busy (all cores = 100)': 95, 'machine steal': 0, loans: 60, postgres: 45, sip2: 25 },
      1250,
    );
    // 60 % of a core at 1,250 msg/s = 600 ms/s / 1,250 = 0.48 ms
    expect(per).toEqual({ loans: 0.48, postgres: 0.36, sip2: 0.2, all: 1.04 });
    expect(cpuPerMessage(undefined, 1000)).toBeUndefined();
    expect(cpuPerMessage({ loans: 50 }, 0)).toBeUndefined();
  });

  it('evaluates the targets without asserting them', () => {
    const t = sample().targets;
    expect(t.sip2_checkout_p99_open_loop).toMatchObject({ value: 9, met: true });
    expect(t.closed_loop_tx_per_s).toMatchObject({ value: 1500, met: false });
    expect(t.ratio_pg).toMatchObject({ value: 0.5, met: true });
    expect(t.year_replay_seconds.met).toBe(true);
    expect(t.rss_total_mib).toMatchObject({ value: 300, met: true });
  });

  it("scales a partial year replay up to the seed network's 2.22M transactions", () => {
    const r = sample();
    r.year_replay = { seconds: 37, transactions: 22_200, via: 'loans NATS API' };
    const t = evaluateTargets(r);
    expect(t.year_replay_seconds).toMatchObject({ value: 3700, met: false });
    expect(headlineTable({ ...r, targets: t })).toContain('(2.22M tx ≈ 62 min)');
  });

  it('renders the headline table and markdown with every section', () => {
    const r = sample();
    const h = headlineTable(r);
    expect(h).toContain('| SIP2 checkout p50 / p99, open loop 500 msg/s, 200 kiosks | 3 / 9 ms |');
    expect(h).toContain('50.0 % / 5.0 %');
    const md = renderMarkdown(r, 'chart.svg');
    for (const s of [
      '## Open loop',
      '## Closed loop: 200 kiosks',
      '![latency percentiles against concurrency](chart.svg)',
      '## Year replay',
      '| loans | 1 | 180 |',
    ]) {
      expect(md).toContain(s);
    }
  });

  it('draws an SVG with one polyline per percentile and a label per concurrency', () => {
    const svg = renderChart([
      { concurrency: 25, p50: 1, p95: 3, p99: 5, tx_per_s: 900 },
      { concurrency: 200, p50: 4, p95: 9, p99: 17, tx_per_s: 1500 },
    ]);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<path /g)).toHaveLength(3);
    expect(svg).toContain('>25<');
    expect(svg).toContain('>200<');
    expect(svg).toContain('>20<'); // y axis rounded up to a nice 20 ms
    expect(renderChart([])).toContain('</svg>');
  });

  it('writes json, md and svg side by side, and the smoke check reads them back', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-report-'));
    const r = sample();
    const files = writeReport(r, path.join(dir, 'out.json'));
    expect(files).toEqual({
      json: path.join(dir, 'out.json'),
      markdown: path.join(dir, 'out.md'),
      svg: path.join(dir, 'out.svg'),
    });
    const back = JSON.parse(fs.readFileSync(files.json, 'utf8'));
    expect(back.open_loop.checkout.p99_ms).toBe(9);
    expect(back.limits.pg_checkout_tx_per_s).toBe(3000);
    expect(smokeCheck(r, files)).toEqual([]);
    expect(smokeCheck({ ...r, errors: 2 }, files)).toEqual(['2 errors']);
  });
});
