import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { connect, headers, JSONCodec } from 'nats';
import { CORRELATION_HEADER, LoansCheckout } from '@app/contracts';
import { BENCH_AGENCY, BENCH_PIN, branchCode, itemBarcode, patronBarcode } from '../data/layout';
import { newHistogram, recordMs, summarize, LatencySummary } from '../report/latency-histogram';

export interface NatsLimitResult {
  req_per_s: number;
  concurrency: number;
  request_bytes: number;
  reply_bytes: number;
  duration_s: number;
  requests: number;
  latency: LatencySummary;
}

/** The bytes our services put on the wire for one SIP2 checkout: Nest's {pattern, data, id} envelope. */
export function checkoutRequestPayload(): Uint8Array {
  return JSONCodec().encode({
    pattern: LoansCheckout.subject,
    data: {
      patron: { agency: BENCH_AGENCY, barcode: patronBarcode(123456) },
      item: { agency: BENCH_AGENCY, barcode: itemBarcode(1234567) },
      branch: branchCode(41),
      pin: BENCH_PIN,
      channel: 'sip2',
    },
    id: randomUUID(),
  });
}

/**
 * The NATS ceiling on this machine: request/reply with the `nats` client alone against a trivial
 * responder (another thread, another connection), same payload size and concurrency as our checkout.
 */
export async function measureNatsLimit(
  natsUrl: string,
  concurrency: number,
  durationMs: number,
): Promise<NatsLimitResult> {
  const payload = checkoutRequestPayload();
  const subject = `bench.limit.echo.${process.pid}`;
  const responder = new Worker(path.join(__dirname, 'nats-responder.worker.js'), {
    workerData: { natsUrl, subject, replyBytes: payload.length },
  });
  const ready = await new Promise<string>((resolve) => responder.once('message', resolve));
  if (ready !== 'ready') throw new Error(`nats responder: ${ready}`);
  const nc = await connect({ servers: natsUrl, name: 'bench-nats-limit' });
  const h = newHistogram();
  let requests = 0;
  try {
    const hdrs = () => {
      const x = headers();
      x.set(CORRELATION_HEADER, randomUUID());
      return x;
    };
    // warm up the connection and the responder
    for (let i = 0; i < 200; i++) await nc.request(subject, payload, { timeout: 5000, headers: hdrs() });
    const t0 = performance.now();
    const end = t0 + durationMs;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < end) {
          const s = performance.now();
          await nc.request(subject, payload, { timeout: 5000, headers: hdrs() });
          recordMs(h, performance.now() - s);
          requests++;
        }
      }),
    );
    const secs = (performance.now() - t0) / 1000;
    return {
      req_per_s: Math.round(requests / secs),
      concurrency,
      request_bytes: payload.length,
      reply_bytes: payload.length,
      duration_s: Math.round(secs * 100) / 100,
      requests,
      latency: summarize(h),
    };
  } finally {
    await nc.drain().catch(() => undefined);
    responder.postMessage('stop');
    await new Promise((r) => setTimeout(r, 100));
    await responder.terminate();
  }
}
