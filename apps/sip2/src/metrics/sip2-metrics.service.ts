import { Injectable } from '@nestjs/common';
import { SIP2_LATENCY_BUCKETS_MS, Sip2MessageMetrics, Sip2MetricsView } from '@app/contracts';
import { isMessageCode, MESSAGE_SPECS } from '@app/sip2-protocol';
import {
  BoundedLabel,
  LATENCY_BUCKETS_SECONDS,
  metricCounter,
  metricCounterFrom,
  metricGauge,
  metricHistogram,
} from '@app/common';
import { Counter as PromCounter, type Histogram } from 'prom-client';

/** At most this many terminal logins become label values of `sip2_messages_total`; later ones count as `other`. */
export const SIP2_METRICS_MAX_TERMINALS = 500;

type MessageChild = ReturnType<PromCounter<'type' | 'terminal' | 'outcome'>['labels']>;
type DurationChild = ReturnType<Histogram<'type'>['labels']>;

interface Counter {
  count: number;
  errors: number;
  sum: number;
  max: number;
  buckets: number[];
}

/**
 * In-process counters: O(1) per exchange, read on `sip2.metrics.v1`, and the same as Prometheus series.
 * Per message: one cached counter child and one cached histogram child (no label hashing); the
 * connection, login and frame counters are read from the fields below when Prometheus scrapes.
 */
@Injectable()
export class Sip2MetricsService {
  private readonly startedAt = new Date();
  private readonly messages = new Map<string, Counter>();
  readonly connections = { open: 0, total: 0, tcp: 0, tls: 0, rejected: 0, displaced: 0, timedOut: 0 };
  readonly logins = { ok: 0, failed: 0, throttled: 0 };
  readonly frames = {
    checksumErrors: 0,
    missingChecksum: 0,
    oversized: 0,
    invalid: 0,
    replayed: 0,
    acsResends: 0,
    refusedBeforeLogin: 0,
  };
  readonly pins = { failed: 0, throttled: 0 };

  private readonly terminals = new BoundedLabel(SIP2_METRICS_MAX_TERMINALS);
  /** the listener's open, logged-in connections by terminal login (read when asked, never kept) */
  private connected: () => Map<string, number> = () => new Map();
  private readonly messageChildren = new Map<string, MessageChild>();
  private readonly durationChildren = new Map<string, DurationChild>();
  private readonly promMessages = metricCounter(
    'sip2_messages_total',
    'SIP2 requests by message type (2-digit code, ?? unreadable), terminal login (none before login, other past the cap) and outcome (ok, error)',
    ['type', 'terminal', 'outcome'],
  );
  private readonly promDuration = metricHistogram(
    'sip2_message_duration_seconds',
    'SIP2 request-to-response time by message type',
    ['type'],
    LATENCY_BUCKETS_SECONDS,
  );

  constructor() {
    // the latest instance is the one scraped (one SIP2 service per process outside tests)
    scrapeFrom(this);
    metricGauge('sip2_connections_open', 'SIP2 connections open now', [], function () {
      this.set(current?.connections.open ?? 0);
    });
    metricGauge(
      'sip2_terminal_connected',
      'SIP2 connections logged in now, by terminal login (a terminal with none is absent; other past the label cap)',
      ['terminal'],
      function () {
        this.reset();
        for (const [terminal, n] of current?.connectedByTerminal() ?? []) this.set({ terminal }, n);
      },
    );
    metricCounterFrom(
      'sip2_connections_total',
      'SIP2 connections since start, by kind (tcp, tls accepted; rejected over a limit; login_timeout)',
      'kind',
      () => {
        const c = current?.connections;
        return c && { tcp: c.tcp, tls: c.tls, rejected: c.rejected, login_timeout: c.timedOut };
      },
    );
    metricCounterFrom(
      'sip2_logins_total',
      'SIP2 terminal logins by outcome (ok, failed, throttled)',
      'outcome',
      () => current?.logins,
    );
    metricCounterFrom(
      'sip2_frame_errors_total',
      'SIP2 frames refused or repeated, by kind (checksumErrors, missingChecksum, oversized, invalid, replayed, acsResends, refusedBeforeLogin)',
      'kind',
      () => current?.frames,
    );
    metricCounterFrom(
      'sip2_pin_failures_total',
      'Wrong patron PINs at SIP2 terminals (failed) and PIN checks refused while throttled (throttled)',
      'outcome',
      () => current?.pins,
    );
  }

  /** The listener tells where its live connections are (called once at its bootstrap). */
  connectedFrom(read: () => Map<string, number>): void {
    this.connected = read;
  }

  /** Logged-in connections now by terminal login, labels bounded like sip2_messages_total's. */
  connectedByTerminal(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [login, n] of this.connected()) {
      const label = this.terminals.value(login);
      out.set(label, (out.get(label) ?? 0) + n);
    }
    return out;
  }

  recordExchange(code: string, ms: number, error: boolean, terminal?: string): void {
    const term = this.terminals.value(terminal);
    const key = `${code}|${term}|${error ? 1 : 0}`;
    let m = this.messageChildren.get(key);
    if (!m) this.messageChildren.set(key, (m = this.promMessages.labels(code, term, error ? 'error' : 'ok')));
    m.inc();
    let d = this.durationChildren.get(code);
    if (!d) this.durationChildren.set(code, (d = this.promDuration.labels(code)));
    d.observe(ms / 1000);
    let c = this.messages.get(code);
    if (!c) {
      c = { count: 0, errors: 0, sum: 0, max: 0, buckets: new Array(SIP2_LATENCY_BUCKETS_MS.length + 1).fill(0) };
      this.messages.set(code, c);
    }
    c.count++;
    if (error) c.errors++;
    c.sum += ms;
    if (ms > c.max) c.max = ms;
    const i = SIP2_LATENCY_BUCKETS_MS.findIndex((le) => ms <= le);
    c.buckets[i < 0 ? SIP2_LATENCY_BUCKETS_MS.length : i]++;
  }

  snapshot(): Sip2MetricsView {
    const round = (n: number) => Math.round(n * 100) / 100;
    const messages: Sip2MessageMetrics[] = [...this.messages.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([code, c]) => ({
        code,
        name: isMessageCode(code) ? MESSAGE_SPECS[code].name : 'unknown',
        count: c.count,
        errors: c.errors,
        latencyMsSum: round(c.sum),
        latencyMsMax: round(c.max),
        histogram: c.buckets.map((count, i) => ({
          le: i < SIP2_LATENCY_BUCKETS_MS.length ? String(SIP2_LATENCY_BUCKETS_MS[i]) : '+Inf',
          count,
        })),
      }));
    return {
      startedAt: this.startedAt.toISOString(),
      connections: { ...this.connections },
      logins: { ...this.logins },
      frames: { ...this.frames },
      pins: { ...this.pins },
      connectedByTerminal: Object.fromEntries([...this.connected()].sort(([a], [b]) => a.localeCompare(b))),
      messages,
    };
  }
}

let current: Sip2MetricsService | undefined;
function scrapeFrom(service: Sip2MetricsService): void {
  current = service;
}
