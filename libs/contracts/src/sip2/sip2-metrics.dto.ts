/** Latency buckets (ms, upper bounds) of the per-message histogram; the last bucket is +Inf. */
export const SIP2_LATENCY_BUCKETS_MS = [2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500] as const;

export interface Sip2MessageMetrics {
  /** request code, e.g. '11' */
  code: string;
  name: string;
  count: number;
  /** answered negatively because of a backend failure or refusal before login (not a business "no") */
  errors: number;
  latencyMsSum: number;
  latencyMsMax: number;
  /** counts per bucket: `le` ms upper bound ('+Inf' for the last) */
  histogram: { le: string; count: number }[];
}

/** Counters of this sip2 process since it started (each replica answers for itself). */
export interface Sip2MetricsView {
  startedAt: string;
  connections: {
    open: number;
    total: number;
    tcp: number;
    tls: number;
    rejected: number;
    displaced: number;
    timedOut: number;
  };
  logins: { ok: number; failed: number; throttled: number };
  /** connections logged in now, by terminal login (terminals with none are absent) */
  connectedByTerminal: Record<string, number>;
  frames: {
    checksumErrors: number;
    missingChecksum: number;
    oversized: number;
    invalid: number;
    replayed: number;
    acsResends: number;
    refusedBeforeLogin: number;
  };
  pins: { failed: number; throttled: number };
  messages: Sip2MessageMetrics[];
}
