// The monitoring profile's files: Prometheus scrape config and alert rules, Grafana provisioning and
// dashboard. promtool validates them where it is installed; always, they are parsed (yaml/JSON) and every
// metric an expression names must be one the code registers (a typo would leave an alert silent for ever).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { activeServices, loadCompose, ROOT, serviceEnvironment } from './compose-model';

const MON = path.join(ROOT, 'deploy/monitoring');
const log = (m: string) => process.stdout.write(`[monitoring] ${m}\n`);

// PromQL words that are not metric names
const PROMQL_WORDS = new Set(
  (
    'sum min max avg count stddev stdvar topk bottomk quantile count_values group by without on ignoring group_left group_right and or unless bool offset ' +
    'rate irate increase delta idelta deriv predict_linear histogram_quantile absent absent_over_time abs ceil floor round clamp clamp_min clamp_max ' +
    'changes resets sort sort_desc time timestamp vector scalar label_replace label_join avg_over_time min_over_time max_over_time sum_over_time ' +
    'count_over_time quantile_over_time last_over_time present_over_time inf nan'
  ).split(' '),
);

/** metric names in a PromQL expression: identifiers outside label matchers, strings, ranges and grouping lists */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/(?<![\w.:])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![\w:])(?!\s*\()/g)) {
    if (!PROMQL_WORDS.has(m[1]) && !/^\d/.test(m[1])) names.add(m[1]);
  }
  return [...names];
}

/** every quoted string in the TypeScript of apps/ and libs/ (where metrics are registered by name) */
function codeStrings(): Set<string> {
  const out = new Set<string>();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !/\.(integration-)?spec\.ts$/.test(e.name)) {
        for (const m of fs.readFileSync(p, 'utf8').matchAll(/'([a-z_:][a-z0-9_:]*)'/g)) out.add(m[1]);
      }
    }
  };
  walk(path.join(ROOT, 'apps'));
  walk(path.join(ROOT, 'libs'));
  return out;
}

/** a histogram's series (_bucket/_sum/_count) are registered under the base name; `up` is Prometheus's own */
function registered(name: string, code: Set<string>): boolean {
  if (name === 'up') return true;
  return code.has(name) || code.has(name.replace(/_(bucket|sum|count)$/, ''));
}

describe('monitoring profile files', () => {
  const prometheus = parse(fs.readFileSync(path.join(MON, 'prometheus.yml'), 'utf8'));
  const alerts = parse(fs.readFileSync(path.join(MON, 'alerts.yml'), 'utf8'));
  const dashboard = JSON.parse(fs.readFileSync(path.join(MON, 'grafana/dashboards/circulation.json'), 'utf8'));
  const compose = loadCompose({ BOOTSTRAP_API_KEY: 'x'.repeat(16), STATS_PATRON_HASH_KEY: 'x'.repeat(32) });
  const code = codeStrings();

  it('scrapes every service of the compose file on the metrics port the file gives it', () => {
    const apps = activeServices(compose).filter((n) => compose.services[n].build);
    const job = prometheus.scrape_configs.find((j: { job_name: string }) => j.job_name === 'circulation');
    const sd = job.dns_sd_configs[0];
    for (const n of apps) {
      expect(sd.names).toContain(n);
      const port = serviceEnvironment(compose.services[n]).METRICS_PORT;
      // the metrics listener comes with the stats engineer's work; once there, the port must agree
      if (port !== undefined) expect({ n, port: Number(port) }).toEqual({ n, port: sd.port });
    }
    expect(prometheus.rule_files).toEqual(['/etc/prometheus/alerts.yml']);
    const mounts = (compose.services.prometheus.volumes ?? []).map(String);
    expect(mounts).toEqual(
      expect.arrayContaining([
        './deploy/monitoring/prometheus.yml:/etc/prometheus/prometheus.yml:ro',
        './deploy/monitoring/alerts.yml:/etc/prometheus/alerts.yml:ro',
      ]),
    );
  });

  it('has the alerts the operators asked for, each with a severity, a summary and a runbook section that exists', () => {
    const rules = alerts.groups.flatMap((g: { rules: unknown[] }) => g.rules) as {
      alert: string;
      expr: string;
      for: string;
      labels: { severity: string };
      annotations: { summary: string; runbook: string };
    }[];
    const names = rules.map((r) => r.alert);
    expect(names).toEqual(
      expect.arrayContaining(['ServiceDown', 'OutboxBacklogGrowing', 'ConsumerLag', 'Sip2ErrorRate', 'LockerOffline']),
    );
    const runbook = fs.readFileSync(path.join(ROOT, 'docs/operations.md'), 'utf8');
    for (const r of rules) {
      expect({
        alert: r.alert,
        severity: ['page', 'ticket'].includes(r.labels.severity),
        for: /^\d+[smh]$/.test(r.for),
      }).toEqual({ alert: r.alert, severity: true, for: true });
      expect(r.annotations.summary.length).toBeGreaterThan(10);
      const anchor = r.annotations.runbook.split('#')[1];
      expect({ alert: r.alert, anchor, inRunbook: runbook.includes(`<a id="${anchor}"></a>`) }).toEqual({
        alert: r.alert,
        anchor,
        inRunbook: true,
      });
    }
  });

  it('names only metrics the code registers', () => {
    const exprs = [
      ...alerts.groups.flatMap((g: { rules: { expr: string }[] }) => g.rules.map((r) => r.expr)),
      ...dashboard.panels.flatMap((p: { targets: { expr: string }[] }) => p.targets.map((t) => t.expr)),
    ];
    const referenced = new Set(exprs.flatMap(metricNames));
    expect(referenced.size).toBeGreaterThan(8);
    // every alert and panel must be able to see data: a name no service registers would stay silent for ever
    expect([...referenced].filter((n) => !registered(n, code))).toEqual([]);
    expect(referenced).toContain('delivery_locker_online');
    log(`metrics referenced: ${referenced.size}; all registered in the code`);
  });

  it('parses PromQL metric names correctly', () => {
    expect(
      metricNames('sum(rate(sip2_messages_total{outcome="error"}[5m])) / sum(rate(sip2_messages_total[5m])) > 0.05'),
    ).toEqual(['sip2_messages_total']);
    expect(
      metricNames('histogram_quantile(0.95, sum by (le, subject) (rate(nats_request_duration_seconds_bucket[5m])))'),
    ).toEqual(['nats_request_duration_seconds_bucket']);
    expect(metricNames('absent(up{job="circulation", service="loans"}) or outbox_backlog_events > 100')).toEqual([
      'up',
      'outbox_backlog_events',
    ]);
  });

  it('provisions Grafana with the Prometheus datasource and the dashboard folder the compose file mounts', () => {
    const ds = parse(fs.readFileSync(path.join(MON, 'grafana/provisioning/datasources/prometheus.yml'), 'utf8'));
    expect(ds.datasources[0]).toMatchObject({ type: 'prometheus', uid: 'prometheus', url: 'http://prometheus:9090' });
    const provider = parse(fs.readFileSync(path.join(MON, 'grafana/provisioning/dashboards/circulation.yml'), 'utf8'))
      .providers[0];
    const mounts = (compose.services.grafana.volumes ?? []).map(String);
    expect(mounts).toContain(`./deploy/monitoring/grafana/dashboards:${provider.options.path}:ro`);
    for (const p of dashboard.panels) for (const t of p.targets) expect(t.datasource.uid).toBe('prometheus');
    expect(new Set(dashboard.panels.map((p: { id: number }) => p.id)).size).toBe(dashboard.panels.length);
  });

  it('passes promtool where it is installed (skipped otherwise, said so)', () => {
    const which = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' });
    if (which.status !== 0) {
      log('promtool is not installed: config and rules were parsed and checked above, not run through promtool');
      return;
    }
    const rules = spawnSync('promtool', ['check', 'rules', path.join(MON, 'alerts.yml')], { encoding: 'utf8' });
    expect(rules.status).toBe(0);
    log('promtool check rules: passed');
  });
});
