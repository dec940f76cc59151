import { Injectable } from '@nestjs/common';
import { SIP2_LATENCY_BUCKETS_MS, Sip2MessageMetrics, Sip2MetricsView } from '@app/contracts';
import { isMessageCode, MESSAGE_SPECS } from '@app/sip2-protocol';

interface Counter {
  count: number;
  errors: number;
  sum: number;
  max: number;
  buckets: number[];
}

/** In-process counters: O(1) per exchange, read on `sip2.metrics.v1`. */
@Injectable()
export class Sip2MetricsService {
  private readonly startedAt = new Date();
  private readonly messages = new Map<string, Counter>();
  readonly connections = { open: 0, total: 0, tcp: 0, tls: 0, rejected: 0, displaced: 0, timedOut: 0 };
  readonly logins = { ok: 0, failed: 0, throttled: 0 };
  readonly frames = { checksumErrors: 0, missingChecksum: 0, oversized: 0, invalid: 0, replayed: 0, acsResends: 0, refusedBeforeLogin: 0 };
  readonly pins = { failed: 0, throttled: 0 };

  recordExchange(code: string, ms: number, error: boolean): void {
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
        histogram: c.buckets.map((count, i) => ({ le: i < SIP2_LATENCY_BUCKETS_MS.length ? String(SIP2_LATENCY_BUCKETS_MS[i]) : '+Inf', count })),
      }));
    return {
      startedAt: this.startedAt.toISOString(),
      connections: { ...this.connections },
      logins: { ...this.logins },
      frames: { ...this.frames },
      pins: { ...this.pins },
      messages,
    };
  }
}
