import { createMessage, formatSip2Date, SIP2_BLANK_DATE, Sip2Client } from '@app/sip2-protocol';
import { TransactionLog, TxRecord } from './transaction-log';

export const CHAOS_AGENCY = 'CN-320583-1-KSL';
export const CHAOS_BRANCH = 'KSL-MAIN';

/** What one driver works on: its own patron and its own items, so no two drivers touch one item. */
export interface DriverWork {
  name: string;
  patron: string;
  items: string[];
}

/** The transaction never left the driver (no connection or session): not logged. */
class NotSent extends Error {}

/** Where the driver believes each item is; 'unknown' after a refusal or no answer (then it checks in). */
type ItemState = 'in' | 'out' | 'unknown';

/**
 * A kiosk or desk in a loop: check out an item it believes is in, check in one it believes is out
 * (or does not know about), one transaction at a time, logging each with what came back. Paced by
 * `pauseMs` between transactions so the run stays light on a shared machine; stops when asked.
 */
abstract class Driver {
  private readonly state = new Map<string, ItemState>();
  private next = 0;
  private stopped = false;
  private loop?: Promise<void>;
  /** the phase written into each record (the chaos runner moves it along) */
  phase = 'baseline';
  /** when set, the next checkout is sent and its connection dropped before the answer */
  dropNext = false;
  lastAckAt = 0;

  constructor(
    readonly work: DriverWork,
    protected readonly log: TransactionLog,
    private readonly pauseMs: number,
  ) {
    for (const i of work.items) this.state.set(i, 'in');
  }

  start(): void {
    this.stopped = false;
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    this.loop = undefined;
    await this.close();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const item = this.work.items[this.next++ % this.work.items.length];
      const believed = this.state.get(item)!;
      const kind = believed === 'in' ? 'checkout' : 'checkin';
      const sentAt = Date.now();
      let rec: Pick<TxRecord, 'outcome' | 'detail' | 'closedLoan'>;
      try {
        rec = kind === 'checkout' ? await this.checkout(item) : await this.checkin(item, believed === 'out');
      } catch (err) {
        await this.reset().catch(() => undefined);
        if (err instanceof NotSent) {
          // nothing reached the suite (no connection): not a transaction, try again shortly
          await sleep(250);
          continue;
        }
        rec = { outcome: 'unanswered', detail: (err as Error).message };
      }
      const doneAt = Date.now();
      this.log.add({
        driver: this.work.name,
        channel: this.channel,
        kind,
        item,
        patron: this.work.patron,
        sentAt,
        doneAt,
        phase: this.phase,
        ...rec,
      });
      if (rec.outcome === 'acked') {
        this.lastAckAt = doneAt;
        this.state.set(item, kind === 'checkout' ? 'out' : 'in');
      } else {
        this.state.set(item, 'unknown');
      }
      // after a failure, wait a little longer: the suite may be restarting something
      await sleep(rec.outcome === 'acked' ? this.pauseMs : Math.max(200, this.pauseMs));
    }
  }

  abstract readonly channel: TxRecord['channel'];
  protected abstract checkout(item: string): Promise<Pick<TxRecord, 'outcome' | 'detail'>>;
  protected abstract checkin(
    item: string,
    believedOut: boolean,
  ): Promise<Pick<TxRecord, 'outcome' | 'detail' | 'closedLoan'>>;
  /** after an error: start over with a fresh connection */
  protected abstract reset(): Promise<void>;
  protected abstract close(): Promise<void>;
}

/** A self-check kiosk on the SIP2 port (libs/sip2-protocol's client), logged in as the demo kiosk. */
export class KioskDriver extends Driver {
  readonly channel = 'sip2' as const;
  private client?: Sip2Client;

  constructor(
    work: DriverWork,
    log: TransactionLog,
    pauseMs: number,
    private readonly port: number,
    private readonly login: { user: string; password: string },
    private readonly timeoutMs = 15_000,
  ) {
    super(work, log, pauseMs);
  }

  private async connected(): Promise<Sip2Client> {
    if (this.client?.connected) return this.client;
    const c = new Sip2Client({
      host: '127.0.0.1',
      port: this.port,
      timeoutMs: this.timeoutMs,
      connectTimeoutMs: 5_000,
    });
    try {
      await c.connect();
      const r = await c.login(this.login.user, this.login.password, CHAOS_BRANCH);
      if (fixedOk(r) !== '1') throw new Error('SIP2 login refused');
    } catch (err) {
      await c.close().catch(() => undefined);
      throw new NotSent(`no SIP2 session: ${(err as Error).message}`);
    }
    this.client = c;
    return c;
  }

  protected async checkout(item: string) {
    const c = await this.connected();
    const msg = createMessage(
      '11',
      { scRenewalPolicy: 'N', noBlock: 'N', transactionDate: now(), nbDueDate: SIP2_BLANK_DATE },
      {
        institutionId: CHAOS_AGENCY,
        patronIdentifier: this.work.patron,
        itemIdentifier: item,
        terminalPassword: '',
      },
    );
    const pending = c.send(msg);
    if (this.dropNext) {
      this.dropNext = false;
      // the connection goes away mid-transaction: the request is out, the answer cannot arrive
      setImmediate(() => (c as unknown as { socket?: { destroy(): void } }).socket?.destroy());
    }
    const r = await pending;
    return fixedOk(r) === '1'
      ? { outcome: 'acked' as const }
      : { outcome: 'refused' as const, detail: String(r.response.fields.screenMessage ?? '') };
  }

  protected async checkin(item: string, believedOut: boolean) {
    const c = await this.connected();
    const r = await c.send(
      createMessage(
        '09',
        { noBlock: 'N', transactionDate: now(), returnDate: now() },
        {
          currentLocation: CHAOS_BRANCH,
          institutionId: CHAOS_AGENCY,
          itemIdentifier: item,
          terminalPassword: '',
        },
      ),
    );
    // SIP2 does not say whether a loan was closed; the kiosk knows when it had lent the item itself
    return fixedOk(r) === '1'
      ? { outcome: 'acked' as const, closedLoan: believedOut }
      : { outcome: 'refused' as const, detail: String(r.response.fields.screenMessage ?? '') };
  }

  protected async reset() {
    const c = this.client;
    this.client = undefined;
    await c?.close().catch(() => undefined);
  }

  protected close() {
    return this.reset();
  }
}

/** What the desk reads from an answer: the error code, and whether a checkin closed a loan. */
interface HttpAnswer {
  status: number;
  body: { code?: string; wasOnLoan?: boolean } | undefined;
}

/** A staff desk on the HTTP API. */
export class DeskDriver extends Driver {
  readonly channel = 'http' as const;

  constructor(
    work: DriverWork,
    log: TransactionLog,
    pauseMs: number,
    private readonly gatewayUrl: string,
    private readonly apiKey: string,
    private readonly timeoutMs = 15_000,
  ) {
    super(work, log, pauseMs);
  }

  private keys = 0;

  /**
   * One write as a careful desk client does it: with an `Idempotency-Key`, retried with the same key
   * (up to 3 attempts, 1 s apart) while the answer is a 5xx or none at all; the last answer counts.
   */
  private async post(path: string, body: unknown): Promise<HttpAnswer> {
    const key = `${this.work.name}-${process.pid}-${Date.now()}-${++this.keys}`;
    let sentOnce = false;
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await this.postOnce(path, body, key);
        sentOnce = true;
        if (r.status < 500 || attempt === 3) return r;
      } catch (err) {
        if (!(err instanceof NotSent)) sentOnce = true;
        // never sent at all: not a transaction; sent but never answered: unanswered
        if (attempt === 3) throw sentOnce ? new Error(`no answer after 3 attempts: ${(err as Error).message}`) : err;
      }
      await sleep(1_000);
    }
  }

  private async postOnce(path: string, body: unknown, key: string): Promise<HttpAnswer> {
    let res: Response;
    try {
      res = await fetch(`${this.gatewayUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      // the gateway was not there to take it (restarting): nothing was sent
      if ((err as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED')
        throw new NotSent('gateway not listening');
      throw err;
    }
    const text = await res.text();
    let parsed: HttpAnswer['body'];
    try {
      parsed = text ? (JSON.parse(text) as HttpAnswer['body']) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed };
  }

  protected async checkout(item: string) {
    const r = await this.post('/api/circulation/checkout', {
      patron: { agency: CHAOS_AGENCY, barcode: this.work.patron },
      item: { agency: CHAOS_AGENCY, barcode: item },
      branch: CHAOS_BRANCH,
    });
    return r.status < 300
      ? { outcome: 'acked' as const }
      : { outcome: 'refused' as const, detail: `${r.status} ${r.body?.code ?? ''}` };
  }

  protected async checkin(item: string) {
    const r = await this.post('/api/circulation/checkin', {
      item: { agency: CHAOS_AGENCY, barcode: item },
      branch: CHAOS_BRANCH,
    });
    return r.status < 300
      ? { outcome: 'acked' as const, closedLoan: r.body?.wasOnLoan === true }
      : { outcome: 'refused' as const, detail: `${r.status} ${r.body?.code ?? ''}` };
  }

  protected async reset() {}
  protected async close() {}
}

export type AnyDriver = KioskDriver | DeskDriver;

/** the ok flag of a 94/10/12 answer (other codes, e.g. 96, have none) */
const fixedOk = (r: { response: { fixed: unknown } }) => (r.response.fixed as Record<string, string | undefined>).ok;
const now = () => formatSip2Date(new Date(), 'Asia/Shanghai', 'local');
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
