import type { Histogram } from 'prom-client';
import { LATENCY_BUCKETS_SECONDS, metricHistogram } from './metrics-registry';

type Child = ReturnType<Histogram<'subject' | 'outcome'>['labels']>;

/**
 * NATS request latency by subject and outcome (`ok` or the stable error code), on both sides: the
 * client measures round trips including queueing in the answering service, the server the handler.
 * Children are cached per (subject, outcome) so an observation is two map lookups and a bucket
 * increment: cheap enough for the SIP2 checkout path. Subjects are the declared constants and
 * outcomes the error codes, both bounded.
 */
class RpcLatency {
  private readonly children = new Map<string, Map<string, Child>>();
  private histogram?: Histogram<'subject' | 'outcome'>;

  constructor(
    private readonly name: string,
    private readonly help: string,
  ) {}

  observe(subject: string, outcome: string, seconds: number): void {
    let bySubject = this.children.get(subject);
    if (!bySubject) this.children.set(subject, (bySubject = new Map()));
    let child = bySubject.get(outcome);
    if (!child) {
      this.histogram ??= metricHistogram(this.name, this.help, ['subject', 'outcome'], LATENCY_BUCKETS_SECONDS);
      child = this.histogram.labels(subject, outcome);
      bySubject.set(outcome, child);
    }
    child.observe(seconds);
  }
}

export const natsClientLatency = new RpcLatency(
  'nats_request_duration_seconds',
  'NATS requests sent by this process: round trip by subject and outcome (ok or error code)',
);
export const natsServerLatency = new RpcLatency(
  'nats_handler_duration_seconds',
  'NATS requests handled by this process: handler time by subject and outcome (ok or error code)',
);
