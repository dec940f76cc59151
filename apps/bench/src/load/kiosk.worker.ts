import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type * as hdr from 'hdr-histogram-js';
import {
  AnySip2Message,
  SIP2_BLANK_DATE,
  Sip2Client,
  createMessage,
  formatSip2Date,
  formatSummary,
} from '@app/sip2-protocol';
import { encodeHistogram, newHistogram, recordMs } from '../report/latency-histogram';
import { globalArrivals, kioskSchedule } from './arrival-schedule';
import { KioskScript, PlannedMessage } from './kiosk-script';
import { KioskCommand, KioskReply, KioskSpec, KioskWorkerData, PhaseCounts } from './kiosk-protocol';

/**
 * A worker thread driving some of the simulated kiosks: one SIP2 connection each, logged in as its own
 * terminal, strictly one request in flight per connection (as SIP2 requires).
 */
const data = workerData as KioskWorkerData;

const nowEpoch = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

let dateCache = { second: -1, text: '' };
function txDate(): string {
  const s = Math.floor(Date.now() / 1000);
  if (s !== dateCache.second) dateCache = { second: s, text: formatSip2Date(new Date(s * 1000), data.timeZone) };
  return dateCache.text;
}

class Kiosk {
  readonly client: Sip2Client;
  readonly script: KioskScript;
  constructor(readonly spec: KioskSpec) {
    this.client = new Sip2Client({
      host: data.host,
      port: data.port,
      charset: 'utf-8',
      timeoutMs: data.timeoutMs,
      maxRetries: 2,
    });
    this.script = new KioskScript(spec.items, spec.patrons);
  }

  async connect(): Promise<void> {
    await this.client.connect();
    const res = await this.client.login(this.spec.login, this.spec.password, this.spec.location);
    if (res.response.code !== '94' || res.response.fixed.ok !== '1')
      throw new Error(`login ${this.spec.login} refused`);
  }

  build(m: PlannedMessage): AnySip2Message {
    const date = txDate();
    const ao = data.agency;
    switch (m.code) {
      case '63':
        return createMessage(
          '63',
          { language: '001', transactionDate: date, summary: formatSummary() },
          {
            institutionId: ao,
            patronIdentifier: m.patron!,
            terminalPassword: '',
            patronPassword: data.pin,
          },
        ) as AnySip2Message;
      case '11':
        return createMessage(
          '11',
          { scRenewalPolicy: 'N', noBlock: 'N', transactionDate: date, nbDueDate: SIP2_BLANK_DATE },
          {
            institutionId: ao,
            patronIdentifier: m.patron!,
            itemIdentifier: m.item!,
            terminalPassword: '',
            patronPassword: data.pin,
          },
        ) as AnySip2Message;
      case '09':
        return createMessage(
          '09',
          { noBlock: 'N', transactionDate: date, returnDate: date },
          {
            currentLocation: this.spec.location,
            institutionId: ao,
            itemIdentifier: m.item!,
            terminalPassword: '',
          },
        ) as AnySip2Message;
      case '29':
        return createMessage(
          '29',
          { thirdPartyAllowed: 'N', noBlock: 'N', transactionDate: date, nbDueDate: SIP2_BLANK_DATE },
          {
            institutionId: ao,
            patronIdentifier: m.patron!,
            patronPassword: data.pin,
            itemIdentifier: m.item!,
            terminalPassword: '',
          },
        ) as AnySip2Message;
      case '17':
        return createMessage(
          '17',
          { transactionDate: date },
          { institutionId: ao, itemIdentifier: m.item!, terminalPassword: '' },
        ) as AnySip2Message;
    }
  }

  /** Sends one planned message; returns null when it succeeded, else a description of what went wrong. */
  async exchange(m: PlannedMessage): Promise<string | null> {
    try {
      const { response: r } = await this.client.send(this.build(m));
      const problem = judge(m, r);
      this.script.applied(m, problem === null);
      return problem === null ? null : `${this.spec.login} ${m.code} ${m.patron ?? ''} ${m.item ?? ''}: ${problem}`;
    } catch (err) {
      this.script.applied(m, false);
      if (!this.client.connected) await this.reconnect();
      return `${this.spec.login} ${m.code} ${m.patron ?? ''} ${m.item ?? ''}: ${(err as Error).message}`;
    }
  }

  private async reconnect(): Promise<void> {
    try {
      await this.client.close().catch(() => undefined);
      await this.connect();
    } catch {
      // counted on the next message
    }
  }
}

const screen = (r: AnySip2Message) => {
  const af = (r.fields as { screenMessage?: string[] }).screenMessage;
  return af && af.length ? ` (${af.join(' / ')})` : '';
};

/** null when the response is the success the script expects. */
export function judge(m: PlannedMessage, r: AnySip2Message): string | null {
  const expected = { '63': '64', '11': '12', '09': '10', '29': '30', '17': '18' }[m.code];
  if (r.code !== expected) return `got ${r.code} instead of ${expected}${screen(r)}`;
  switch (r.code) {
    case '64': {
      const f = r.fields as { validPatron?: string; validPatronPassword?: string };
      return f.validPatron === 'Y' && f.validPatronPassword === 'Y'
        ? null
        : `patron BL=${f.validPatron} CQ=${f.validPatronPassword}${screen(r)}`;
    }
    case '12':
    case '10':
    case '30':
      return r.fixed.ok === '1' ? null : `ok=0${screen(r)}`;
    case '18':
      return r.fixed.circulationStatus === '01' ? `circulation status 01${screen(r)}` : null;
    default:
      return null;
  }
}

const kiosks = data.kiosks.map((k) => new Kiosk(k));

async function inBatches<T>(list: T[], size: number, fn: (t: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < list.length; i += size) await Promise.all(list.slice(i, i + size).map(fn));
}

class Recorder {
  readonly all = newHistogram();
  readonly byCode = new Map<string, { h: hdr.Histogram; count: number; errors: number }>();
  messages = 0;
  errors = 0;
  readonly samples: string[] = [];

  record(code: string, ms: number, problem: string | null): void {
    this.messages++;
    recordMs(this.all, ms);
    let e = this.byCode.get(code);
    if (!e) this.byCode.set(code, (e = { h: newHistogram(), count: 0, errors: 0 }));
    recordMs(e.h, ms);
    e.count++;
    if (problem) {
      this.errors++;
      e.errors++;
      if (this.samples.length < 20) this.samples.push(problem);
    }
  }

  result(elapsedMs: number): PhaseCounts {
    const byCode: PhaseCounts['byCode'] = {};
    for (const [code, e] of this.byCode)
      byCode[code] = { histogram: encodeHistogram(e.h), count: e.count, errors: e.errors };
    return {
      messages: this.messages,
      errors: this.errors,
      byCode,
      all: encodeHistogram(this.all),
      errorSamples: this.samples,
      elapsedMs,
    };
  }
}

async function runClosed(active: Kiosk[], durationMs: number, startAt: number): Promise<PhaseCounts> {
  const rec = new Recorder();
  await sleep(startAt - nowEpoch());
  const t0 = performance.now();
  const end = t0 + durationMs;
  let last = t0;
  await Promise.all(
    active.map(async (k) => {
      while (performance.now() < end) {
        const m = k.script.next();
        const s = performance.now();
        const problem = await k.exchange(m);
        last = performance.now();
        rec.record(m.code, last - s, problem);
      }
    }),
  );
  return rec.result(last - t0);
}

async function runOpen(
  active: Kiosk[],
  activeCount: number,
  durationMs: number,
  startAt: number,
  rate: number,
  arrival: 'uniform' | 'poisson',
  seed: number,
): Promise<PhaseCounts> {
  const rec = new Recorder();
  const all = globalArrivals(rate, durationMs, arrival, seed);
  let lastDone = startAt;
  await Promise.all(
    active.map(async (k) => {
      for (const offset of kioskSchedule(all, k.spec.index, activeCount)) {
        const scheduled = startAt + offset;
        const wait = scheduled - nowEpoch();
        if (wait > 0) await sleep(wait);
        const m = k.script.next();
        const problem = await k.exchange(m);
        const done = nowEpoch();
        lastDone = Math.max(lastDone, done);
        // from the scheduled time: a late send (the kiosk was still waiting) is latency too
        rec.record(m.code, Math.max(0, done - scheduled), problem);
      }
    }),
  );
  return rec.result(lastDone - startAt);
}

async function checkInEverything(): Promise<Record<string, number>> {
  let returned = 0;
  let refused = 0;
  await inBatches(kiosks, 25, async (k) => {
    for (const item of k.script.allItems) {
      const problem = await k.exchange({ code: '09', item });
      if (problem) refused++;
      else returned++;
    }
    k.script.resetToFree();
  });
  return { returned, refused };
}

async function handle(msg: KioskCommand): Promise<KioskReply> {
  switch (msg.cmd) {
    case 'connect':
      await inBatches(kiosks, 20, (k) => k.connect());
      return { ok: true, info: { connected: kiosks.length } };
    case 'reset': {
      // items left on loan by an interrupted earlier run are returned; then every patron's PIN is
      // checked once (the patrons service caches a verified PIN) and the first loans are opened
      const info = await checkInEverything();
      const rec = new Recorder();
      await inBatches(kiosks, 25, async (k) => {
        for (const p of k.spec.patrons) {
          const s = performance.now();
          const m = { code: '63' as const, patron: p };
          rec.record(m.code, performance.now() - s, await k.exchange(m));
        }
        for (const m of k.script.primeMessages()) {
          const s = performance.now();
          const problem = await k.exchange(m);
          rec.record(m.code, performance.now() - s, problem);
        }
      });
      return { ok: true, result: rec.result(0), info };
    }
    case 'run': {
      const active = kiosks.filter((k) => k.spec.index < msg.active);
      const result =
        msg.mode === 'closed'
          ? await runClosed(active, msg.durationMs, msg.startAtEpochMs)
          : await runOpen(
              active,
              msg.active,
              msg.durationMs,
              msg.startAtEpochMs,
              msg.rate ?? 1,
              msg.arrival ?? 'uniform',
              msg.seed ?? 1,
            );
      return { ok: true, result };
    }
    case 'finish':
      return { ok: true, info: await checkInEverything() };
    case 'close':
      await Promise.all(kiosks.map((k) => k.client.close().catch(() => undefined)));
      return { ok: true };
  }
}

parentPort!.on('message', (msg: KioskCommand) => {
  handle(msg).then(
    (reply) => parentPort!.postMessage(reply),
    (err) => parentPort!.postMessage({ ok: false, error: (err as Error).stack ?? String(err) } satisfies KioskReply),
  );
});
