import { createStandaloneRpcClient, RemoteError } from '@app/common';
import { LoansCheckin, LoansCheckout } from '@app/contracts';
import { ProgressBar } from './data/progress';
import {
  BENCH_AGENCY,
  Layout,
  branchCode,
  itemBarcode,
  patronBarcode,
  replayItemPool,
  replayPatronPool,
} from './data/layout';
import { CHECKOUT, generateYear } from './year-shape';

export interface ReplayResult {
  via: string;
  seconds: number;
  transactions: number;
  checkouts: number;
  checkins: number;
  tx_per_s: number;
  concurrency: number;
  errors: number;
  error_codes: Record<string, number>;
  error_samples: string[];
  generate_seconds: number;
  peak_open_loans: number;
  shape: { checkouts_by_weekday_mon_first: number[]; checkouts_by_hour: number[] };
}

/**
 * Replays a year of the network's circulation as fast as it goes, through the loans service's own NATS
 * API (loans.checkout.v1 / loans.checkin.v1, desk channel, no PIN): the real checkout and checkin logic,
 * with the patron and catalog look-ups the loans service makes, without the SIP2 adapter in front.
 * Operations on one item are chained (a return waits for its checkout); everything else runs with
 * `concurrency` requests in flight, in the year's order.
 */
export async function replayYear(
  natsUrl: string,
  l: Layout,
  transactions: number,
  concurrency: number,
  log: (m: string) => void,
): Promise<ReplayResult> {
  const g0 = Date.now();
  const items = replayItemPool(l);
  const patrons = replayPatronPool(l);
  const ev = generateYear({
    checkouts: Math.floor(transactions / 2),
    itemPool: items.length,
    patronPool: patrons.length,
    branches: l.spec.branches,
    branches24h: l.spec.branches24h,
  });
  const generateSeconds = (Date.now() - g0) / 1000;
  log(
    `year replay: ${ev.length.toLocaleString('en-US')} transactions (${ev.checkouts.toLocaleString('en-US')} checkouts and as many returns), ${concurrency} in flight, via ${LoansCheckout.subject} / ${LoansCheckin.subject}`,
  );
  const { client, close } = createStandaloneRpcClient(natsUrl, 'bench-replay', 30_000);
  const progress = new ProgressBar(ev.length, 'year replay');
  const chains = new Map<number, Promise<void>>();
  const errorCodes: Record<string, number> = {};
  const samples: string[] = [];
  let errors = 0;
  let inflight = 0;
  let wake: (() => void) | undefined;
  const fail = (what: string, err: unknown) => {
    errors++;
    const code = err instanceof RemoteError ? err.code : 'exception';
    errorCodes[code] = (errorCodes[code] ?? 0) + 1;
    if (samples.length < 20) samples.push(`${what}: ${(err as Error).message}`);
  };
  const t0 = Date.now();
  try {
    for (let k = 0; k < ev.length; k++) {
      while (inflight >= concurrency) await new Promise<void>((r) => (wake = r));
      inflight++;
      const itemIdx = ev.item[k];
      const item = { agency: BENCH_AGENCY, barcode: itemBarcode(items[itemIdx]) };
      const branch = branchCode(ev.branch[k]);
      const isCheckout = ev.kind[k] === CHECKOUT;
      const patron = isCheckout ? { agency: BENCH_AGENCY, barcode: patronBarcode(patrons[ev.patron[k]]) } : undefined;
      const op = async () => {
        if (patron) {
          await client.call(LoansCheckout, { patron, item, branch, channel: 'desk' });
        } else {
          const r = await client.call(LoansCheckin, { item, branch, channel: 'desk' });
          if (!r.wasOnLoan) throw new Error(`checkin of ${item.barcode}: it was not on loan`);
        }
      };
      const prev = chains.get(itemIdx);
      const p: Promise<void> = (prev ? prev.then(op) : op())
        .catch((err) =>
          fail(
            `${isCheckout ? 'checkout' : 'checkin'} ${item.barcode}${patron ? ` to ${patron.barcode}` : ''} at ${branch}`,
            err,
          ),
        )
        .finally(() => {
          inflight--;
          progress.add(1);
          if (chains.get(itemIdx) === p) chains.delete(itemIdx);
          const w = wake;
          wake = undefined;
          w?.();
        });
      chains.set(itemIdx, p);
    }
    await Promise.all([...chains.values()]);
  } finally {
    progress.finish();
    await close();
  }
  const seconds = (Date.now() - t0) / 1000;
  return {
    via: `loans service NATS API (${LoansCheckout.subject}, ${LoansCheckin.subject})`,
    seconds: Math.round(seconds * 10) / 10,
    transactions: ev.length,
    checkouts: ev.checkouts,
    checkins: ev.length - ev.checkouts,
    tx_per_s: Math.round(ev.length / seconds),
    concurrency,
    errors,
    error_codes: errorCodes,
    error_samples: samples,
    generate_seconds: Math.round(generateSeconds * 10) / 10,
    peak_open_loans: ev.peakOpen,
    shape: { checkouts_by_weekday_mon_first: ev.byWeekday, checkouts_by_hour: ev.byHour },
  };
}
