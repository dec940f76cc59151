import {
  collectDefaultMetrics,
  Counter,
  CounterConfiguration,
  Gauge,
  GaugeConfiguration,
  Histogram,
  HistogramConfiguration,
  Registry,
} from 'prom-client';

/**
 * One Prometheus registry per process. Metrics are created get-or-create by name, so a module that is
 * loaded by several services booted in one process (integration tests) shares the series instead of
 * failing on a duplicate registration. Names follow Prometheus conventions: `_total` counters,
 * `_seconds` histograms, base units.
 */
export const metricsRegistry = new Registry();

let defaultsCollected = false;
/** Process and Node defaults (CPU, RSS, heap, event-loop lag, GC, handles), once per process. */
export function collectProcessMetrics(): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  collectDefaultMetrics({ register: metricsRegistry });
}

type Names<L extends string> = L[] | readonly L[];

/**
 * A counter registered once per process. Services (and libraries) declare their domain counters with
 * this: `metricCounter('ncip_exchanges_total', 'NCIP messages by partner and outcome', ['partner', 'outcome'])`.
 * Label values must come from a bounded set (codes, enums, configured partners), never from ids.
 */
export function metricCounter<L extends string>(
  name: string,
  help: string,
  labelNames: Names<L> = [],
  collect?: (this: Counter<L>) => void | Promise<void>,
): Counter<L> {
  const existing = metricsRegistry.getSingleMetric(name);
  if (existing) return existing as Counter<L>;
  return new Counter({
    name,
    help,
    labelNames: [...labelNames],
    registers: [metricsRegistry],
    ...(collect ? { collect } : {}),
  } as CounterConfiguration<L>);
}

/**
 * A counter whose values are read, at scrape time, from counts a service keeps anyway (plain fields):
 * nothing extra on the path that increments them.
 */
export function metricCounterFrom<L extends string>(
  name: string,
  help: string,
  label: L,
  read: () => Record<string, number> | undefined,
): Counter<L> {
  return metricCounter(name, help, [label], function () {
    const values = read();
    if (!values) return;
    this.reset();
    for (const [k, v] of Object.entries(values)) this.inc({ [label]: k } as Partial<Record<L, string>>, v);
  });
}

export function metricHistogram<L extends string>(
  name: string,
  help: string,
  labelNames: Names<L>,
  buckets: number[],
): Histogram<L> {
  const existing = metricsRegistry.getSingleMetric(name);
  if (existing) return existing as Histogram<L>;
  return new Histogram({
    name,
    help,
    labelNames: [...labelNames],
    buckets,
    registers: [metricsRegistry],
  } as HistogramConfiguration<L>);
}

/** A gauge; `collect` (optional) runs on every scrape to set current values. */
export function metricGauge<L extends string>(
  name: string,
  help: string,
  labelNames: Names<L> = [],
  collect?: (this: Gauge<L>) => void | Promise<void>,
): Gauge<L> {
  const existing = metricsRegistry.getSingleMetric(name);
  if (existing) return existing as Gauge<L>;
  return new Gauge({
    name,
    help,
    labelNames: [...labelNames],
    registers: [metricsRegistry],
    ...(collect ? { collect } : {}),
  } as GaugeConfiguration<L>);
}

/** The exposition text and its content type, for /metrics. */
export async function metricsExposition(): Promise<{ contentType: string; body: string }> {
  return { contentType: metricsRegistry.contentType, body: await metricsRegistry.metrics() };
}

/** Latency buckets in seconds, from 0.5 ms (a cached NATS answer) to 10 s (a timeout). */
export const LATENCY_BUCKETS_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * A bounded label: the first `max` distinct values are kept, later ones become `other`, so a label fed
 * from outside (terminal logins, partner ISILs) cannot grow the series without bound.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();
  constructor(private readonly max: number) {}

  value(v: string | undefined | null, missing = 'none'): string {
    if (!v) return missing;
    if (this.seen.has(v)) return v;
    if (this.seen.size >= this.max) return 'other';
    this.seen.add(v);
    return v;
  }
}
