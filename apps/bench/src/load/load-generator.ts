import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { LatencySummary, mergeEncoded, summarize } from '../report/latency-histogram';
import { MESSAGE_NAMES, PhaseResult } from '../report/report';
import { KioskCommand, KioskReply, KioskSpec, KioskWorkerData, PhaseCounts } from './kiosk-protocol';

/**
 * The SIP2 load generator: kiosks spread over worker threads (kiosk k on worker k mod W) so the
 * generator's own event loop never sits in the measured path of the main thread, and the suite's
 * services are separate processes anyway.
 */
export class LoadGenerator {
  private readonly workers: Worker[] = [];

  constructor(base: Omit<KioskWorkerData, 'kiosks'>, kiosks: KioskSpec[], workerCount: number) {
    const n = Math.max(1, Math.min(workerCount, kiosks.length));
    for (let w = 0; w < n; w++) {
      const mine = kiosks.filter((k) => k.index % n === w);
      this.workers.push(
        new Worker(path.join(__dirname, 'kiosk.worker.js'), {
          workerData: { ...base, kiosks: mine } satisfies KioskWorkerData,
        }),
      );
    }
  }

  private async all(cmd: KioskCommand): Promise<KioskReply[]> {
    const replies = await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<KioskReply>((resolve, reject) => {
            const onError = (err: Error) => reject(err);
            w.once('error', onError);
            w.once('message', (m: KioskReply) => {
              w.off('error', onError);
              resolve(m);
            });
            w.postMessage(cmd);
          }),
      ),
    );
    const failed = replies.find((r): r is Extract<KioskReply, { ok: false }> => !r.ok);
    if (failed) throw new Error(`kiosk worker failed: ${failed.error}`);
    return replies;
  }

  async connect(): Promise<void> {
    await this.all({ cmd: 'connect' });
  }

  async reset(): Promise<{ counts: PhaseCounts[]; info: Record<string, number> }> {
    const replies = await this.all({ cmd: 'reset' });
    const info: Record<string, number> = {};
    for (const r of replies) if (r.ok) for (const [k, v] of Object.entries(r.info ?? {})) info[k] = (info[k] ?? 0) + v;
    return { counts: replies.flatMap((r) => (r.ok && r.result ? [r.result] : [])), info };
  }

  async run(opts: {
    mode: 'closed' | 'open';
    active: number;
    durationMs: number;
    rate?: number;
    arrival?: 'uniform' | 'poisson';
    seed?: number;
  }): Promise<PhaseResult> {
    const startAtEpochMs = Date.now() + 300;
    const replies = await this.all({ cmd: 'run', ...opts, startAtEpochMs });
    return combine(
      replies.flatMap((r) => (r.ok && r.result ? [r.result] : [])),
      opts.active,
      opts.durationMs,
    );
  }

  async finish(): Promise<Record<string, number>> {
    const replies = await this.all({ cmd: 'finish' });
    const info: Record<string, number> = {};
    for (const r of replies) if (r.ok) for (const [k, v] of Object.entries(r.info ?? {})) info[k] = (info[k] ?? 0) + v;
    return info;
  }

  async close(): Promise<void> {
    await this.all({ cmd: 'close' }).catch(() => undefined);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

const WRITES = new Set(['11', '09', '29']);

/** Merge the workers' histograms and counts into one phase result. */
export function combine(
  parts: PhaseCounts[],
  kiosks: number,
  durationMs: number,
): PhaseResult & { error_samples: string[] } {
  const codes = new Set(parts.flatMap((p) => Object.keys(p.byCode)));
  const by_type: Record<string, LatencySummary> = {};
  let writes = 0;
  for (const code of ['11', '09', '29', '63', '17'].filter((c) => codes.has(c))) {
    const encoded = parts.flatMap((p) => (p.byCode[code] ? [p.byCode[code].histogram] : []));
    by_type[MESSAGE_NAMES[code] ?? code] = summarize(mergeEncoded(encoded));
    if (WRITES.has(code)) writes += parts.reduce((n, p) => n + (p.byCode[code]?.count ?? 0), 0);
  }
  const messages = parts.reduce((n, p) => n + p.messages, 0);
  const elapsed = Math.max(durationMs, ...parts.map((p) => p.elapsedMs)) / 1000;
  return {
    kiosks,
    duration_s: Math.round(elapsed * 100) / 100,
    messages,
    tx_per_s: elapsed > 0 ? Math.round((messages / elapsed) * 10) / 10 : 0,
    circulation_tx_per_s: elapsed > 0 ? Math.round((writes / elapsed) * 10) / 10 : 0,
    errors: parts.reduce((n, p) => n + p.errors, 0),
    all: summarize(mergeEncoded(parts.map((p) => p.all))),
    by_type,
    error_samples: parts.flatMap((p) => p.errorSamples).slice(0, 20),
  };
}
