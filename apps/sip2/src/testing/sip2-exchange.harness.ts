// Drives Sip2Exchange like a connection does, without sockets: encode a request, get the parsed response.
import {
  AnySip2Message,
  createMessage,
  decodeText,
  encodeMessage,
  parseMessage,
  RetransmitCache,
  Sip2Charset,
  Sip2Message,
  Sip2MessageCode,
  stripTerminator,
} from '@app/sip2-protocol';
import pino from 'pino';
import { SIP2_HANDLERS } from '../handlers/handler-table';
import { HandlerContext } from '../handlers/sip2-handler';
import { Sip2MetricsService } from '../metrics/sip2-metrics.service';
import { LoginGate } from '../server/login-gate';
import { PinGuard } from '../server/pin-guard';
import { ExchangeOutput, Sip2Exchange } from '../server/sip2-exchange';
import { TransactionKeyLedger } from '../server/transaction-keys';
import { Sip2Session } from '../server/sip2-session';
import { TerminalAccount } from '../services/terminal-account';
import { TerminalAccountsService } from '../services/terminal-accounts.service';
import { FakeCirculationBackend } from './fake-circulation.backend';
import { FakeFeesPort, FakeHoldsPort } from './fake-holds-fees';

export function terminal(over: Partial<TerminalAccount> = {}): TerminalAccount {
  return {
    login: 'kiosk01',
    passwordHash: 'x',
    institutionId: 'CN-320583-1-KSL',
    location: 'KSL-MAIN',
    charset: 'utf-8',
    terminator: '\r',
    delimiter: '|',
    errorDetection: 'auto',
    allowScStatusBeforeLogin: false,
    loginTimeoutSeconds: 60,
    idleTimeoutSeconds: 900,
    enabled: true,
    checkinNotOnLoanOk: true,
    checkinTrapsHolds: true,
    contactWithoutPin: false,
    languageField: 'patron',
    screenLanguage: 'both',
    ...over,
  };
}

/** A fake accounts service: passwords in clear, because hashing is not what these specs are about. */
export class FakeAccounts {
  constructor(readonly accounts: Map<string, { account: TerminalAccount; password: string }> = new Map()) {}
  add(account: TerminalAccount, password: string): this {
    this.accounts.set(account.login, { account, password });
    return this;
  }
  async account(login: string) {
    return this.accounts.get(login)?.account ?? null;
  }
  async checkLogin(login: string, password: string) {
    const e = this.accounts.get(login);
    if (!e) return { ok: false as const, reason: 'unknown' as const };
    if (!e.account.enabled) return { ok: false as const, reason: 'disabled' as const, account: e.account };
    if (e.password !== password) return { ok: false as const, reason: 'bad-password' as const, account: e.account };
    return { ok: true as const, account: e.account };
  }
  async scStatusBeforeLoginAccounts() {
    return [...this.accounts.values()].map((e) => e.account).filter((a) => a.enabled && a.allowScStatusBeforeLogin);
  }
}

export class ExchangeHarness {
  readonly metrics = new Sip2MetricsService();
  readonly logger = pino({ level: 'silent' });
  readonly accounts = new FakeAccounts();
  readonly backend = new FakeCirculationBackend();
  readonly holds = new FakeHoldsPort(this.backend);
  readonly fees = new FakeFeesPort();
  readonly transactionKeys = new TransactionKeyLedger();
  readonly pins = new PinGuard({ freePerMinute: 10, perCardPerMinute: 5, maxDelayMs: 0 });
  readonly gate = new LoginGate(this.accounts as unknown as TerminalAccountsService, {
    freePerMinute: 5,
    failedDelayMs: 0,
  });
  readonly exchange = new Sip2Exchange({
    handlers: SIP2_HANDLERS,
    metrics: this.metrics,
    logger: this.logger,
    account: (l) => this.accounts.account(l),
  });
  session = new Sip2Session('c1', '10.0.0.1', 'tcp');
  cache = new RetransmitCache();
  seq = 0;
  now = new Date('2026-11-25T02:00:00Z');
  /** how the client side encodes/decodes (the terminal's settings) */
  client: { charset: Sip2Charset; delimiter: string; terminator: string } = {
    charset: 'utf-8',
    delimiter: '|',
    terminator: '\r',
  };

  constructor() {
    // the patron summary counts what the holds/fees fakes hold, as the loans service's does
    this.backend.summaryCounts = (ref) => ({
      holds: this.holds.activeCount(ref),
      finesFen: this.fees.outstandingFen(ref),
    });
  }

  ctx(): HandlerContext {
    return {
      session: this.session,
      backend: this.backend,
      holds: this.holds,
      fees: this.fees,
      pins: this.pins,
      pinEvents: { pinFailed: () => this.metrics.pins.failed++, pinThrottled: () => this.metrics.pins.throttled++ },
      logins: this.gate,
      timeZone: 'Asia/Shanghai',
      now: () => this.now,
      acsTimeoutPeriod: '050',
      transactionKeys: this.transactionKeys,
    };
  }

  newConnection(remote = '10.0.0.1'): void {
    this.session = new Sip2Session(`c${Math.random()}`, remote, 'tcp');
    this.cache = new RetransmitCache();
  }

  encode(msg: Sip2Message<Sip2MessageCode>, errorDetection = true): Buffer {
    const m = { ...msg } as AnySip2Message;
    if (errorDetection) m.sequence = String(this.seq++ % 10);
    return encodeMessage(m, { ...this.client, errorDetection });
  }

  async raw(bytes: Buffer): Promise<ExchangeOutput> {
    return this.exchange.onFrame(this.session, this.cache, this.ctx(), stripTerminator(bytes));
  }

  decode(out: ExchangeOutput): AnySip2Message {
    return parseMessage(decodeText(stripTerminator(out.bytes!), this.client.charset), {
      delimiter: this.client.delimiter,
    });
  }

  async send(msg: Sip2Message<Sip2MessageCode>, errorDetection = true): Promise<AnySip2Message> {
    return this.decode(await this.raw(this.encode(msg, errorDetection)));
  }

  async login(user = 'kiosk01', password = 'kiosk01-secret'): Promise<AnySip2Message> {
    return this.send(
      createMessage(
        '93',
        { uidAlgorithm: '0', pwdAlgorithm: '0' },
        { loginUserId: user, loginPassword: password, locationCode: 'KSL-MAIN' },
      ),
    );
  }
}

export const DATE = '20261125    100000';
