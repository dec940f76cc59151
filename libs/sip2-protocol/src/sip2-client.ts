// Promise-based SIP2 client (SC side) over TCP or TLS: used by the operator CLI, e2e tests and the
// benchmark. One request in flight at a time (SIP2 is strictly request/response per connection).
import * as net from 'node:net';
import * as tls from 'node:tls';
import { Sip2Charset, decodeText } from './charset';
import { ChecksumVerification, buildAcsResend, verifyChecksum } from './checksum';
import { AnySip2Message, Sip2Message, createMessage, encodeMessage, parseMessage } from './sip2-codec';
import { Sip2Framer } from './sip2-framer';
import { SIP2_BLANK_DATE, formatSip2Date } from './sip2-date';
import { Sip2MessageCode } from './message-spec';

export interface Sip2ClientOptions {
  host?: string; // default 127.0.0.1
  port?: number; // default 6001
  /** true or tls options to use TLS. */
  tls?: boolean | tls.ConnectionOptions;
  /** Accept self-signed / mismatched certificates (rejectUnauthorized: false). */
  insecure?: boolean;
  charset?: Sip2Charset; // default 'utf-8'
  delimiter?: string; // default '|'
  terminator?: string; // default '\r'
  /** Send AY/AZ and verify response checksums. Default true. */
  errorDetection?: boolean;
  /** Per-attempt response timeout. Default 5000 ms. */
  timeoutMs?: number;
  connectTimeoutMs?: number; // default 5000
  /** source address to connect from, plain TCP only (tests imitating kiosks behind one address: 127.0.0.x) */
  localAddress?: string;
  maxFrameBytes?: number; // default 65536 (responses such as 64 with item lists can be long)
  /** Resends after a 96 or a bad response checksum (via 97). Default 2. */
  maxRetries?: number;
  /** Accept code-point checksums from buggy ACSs (see verifyChecksum). Default false. */
  allowCodePointSum?: boolean;
  /** Raw traffic hook ('>' sent, '<' received), bytes without terminator. */
  onTrace?: (direction: '>' | '<', bytes: Buffer) => void;
}

export interface Sip2Exchange {
  /** The request as sent (sequence filled in when error detection is on). */
  request: AnySip2Message;
  requestBytes: Buffer;
  response: AnySip2Message;
  /** Response frame as received, without terminator. */
  responseBytes: Buffer;
  checksum: ChecksumVerification;
  /** Total attempts (1 + resends). */
  attempts: number;
  elapsedMs: number;
}

export type Sip2ClientErrorKind = 'connect' | 'timeout' | 'closed' | 'oversized' | 'parse' | 'retries-exhausted';

export class Sip2ClientError extends Error {
  override readonly name = 'Sip2ClientError';
  constructor(
    readonly kind: Sip2ClientErrorKind,
    message: string,
  ) {
    super(message);
  }
}

interface Waiter {
  resolve: (frame: Buffer) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class Sip2Client {
  private readonly opts: Required<Omit<Sip2ClientOptions, 'tls' | 'onTrace' | 'localAddress'>> &
    Pick<Sip2ClientOptions, 'tls' | 'onTrace' | 'localAddress'>;
  private socket?: net.Socket;
  private framer: Sip2Framer;
  private frames: Buffer[] = [];
  private waiter?: Waiter;
  private closedError?: Sip2ClientError;
  private seq = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: Sip2ClientOptions = {}) {
    this.opts = {
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 6001,
      tls: options.tls,
      insecure: options.insecure ?? false,
      charset: options.charset ?? 'utf-8',
      delimiter: options.delimiter ?? '|',
      terminator: options.terminator ?? '\r',
      errorDetection: options.errorDetection ?? true,
      timeoutMs: options.timeoutMs ?? 5000,
      connectTimeoutMs: options.connectTimeoutMs ?? 5000,
      maxFrameBytes: options.maxFrameBytes ?? 65536,
      maxRetries: options.maxRetries ?? 2,
      allowCodePointSum: options.allowCodePointSum ?? false,
      onTrace: options.onTrace,
      localAddress: options.localAddress,
    };
    this.framer = new Sip2Framer({ maxFrameBytes: this.opts.maxFrameBytes });
  }

  get connected(): boolean {
    return !!this.socket && !this.closedError && !this.socket.destroyed;
  }

  connect(): Promise<void> {
    const { host, port, connectTimeoutMs } = this.opts;
    this.closedError = undefined;
    this.framer.reset();
    this.frames = [];
    return new Promise<void>((resolve, reject) => {
      const useTls = !!this.opts.tls;
      const tlsOpts: tls.ConnectionOptions = typeof this.opts.tls === 'object' ? this.opts.tls : {};
      const socket = useTls
        ? tls.connect({
            host,
            port,
            rejectUnauthorized: !this.opts.insecure,
            servername: net.isIP(host) ? undefined : host,
            ...tlsOpts,
          })
        : net.connect({ host, port, localAddress: this.opts.localAddress });
      const readyEvent = useTls ? 'secureConnect' : 'connect';
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Sip2ClientError('connect', `connect to ${host}:${port} timed out after ${connectTimeoutMs} ms`));
      }, connectTimeoutMs);
      const onError = (err: Error) => {
        clearTimeout(timer);
        reject(new Sip2ClientError('connect', `connect to ${host}:${port} failed: ${err.message}`));
      };
      socket.once('error', onError);
      socket.once(readyEvent, () => {
        clearTimeout(timer);
        socket.off('error', onError);
        socket.setNoDelay(true);
        this.socket = socket;
        socket.on('data', (chunk: Buffer) => this.onData(chunk));
        socket.on('error', (err) => this.fail(new Sip2ClientError('closed', `socket error: ${err.message}`)));
        socket.on('close', () => this.fail(new Sip2ClientError('closed', 'connection closed')));
        resolve();
      });
    });
  }

  /**
   * Sends one message and resolves with the parsed response. With error detection, fills AY (0-9,
   * rolling), resends on 96, asks 97 on a bad response checksum, and skips stale replies whose AY does
   * not match. Rejects with Sip2ClientError (timeout, closed, retries-exhausted, parse...).
   */
  send(message: Sip2Message<Sip2MessageCode>): Promise<Sip2Exchange> {
    const run = () => this.doSend(message as AnySip2Message);
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** Sends raw text/bytes (terminator added if missing) and resolves with the next frame, unparsed. */
  sendRaw(raw: string | Buffer): Promise<Buffer> {
    const run = async () => {
      let bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
      if (bytes[bytes.length - 1] !== 0x0d) bytes = Buffer.concat([bytes, Buffer.from(this.opts.terminator, 'latin1')]);
      this.frames = [];
      this.write(bytes);
      return this.nextFrame();
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** 93 Login (no encryption). Resolves with the exchange; check `response.fixed.ok === '1'`. */
  login(user: string, password: string, location?: string): Promise<Sip2Exchange> {
    return this.send(
      createMessage(
        '93',
        { uidAlgorithm: '0', pwdAlgorithm: '0' },
        {
          loginUserId: user,
          loginPassword: password,
          ...(location !== undefined ? { locationCode: location } : {}),
        },
      ),
    );
  }

  /** 99 SC Status. */
  scStatus(statusCode = '0', maxPrintWidth = '080'): Promise<Sip2Exchange> {
    return this.send(createMessage('99', { statusCode, maxPrintWidth, protocolVersion: '2.00' }));
  }

  /** 18-char transaction date for requests, in the given zone (default: this process's zone). */
  static now(timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone): string {
    return formatSip2Date(new Date(), timeZone);
  }

  static readonly BLANK_DATE = SIP2_BLANK_DATE;

  async close(): Promise<void> {
    const socket = this.socket;
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
      setTimeout(() => socket.destroy(), 1000).unref();
    });
  }

  private async doSend(original: AnySip2Message): Promise<Sip2Exchange> {
    const started = Date.now();
    const ed = this.opts.errorDetection;
    const request = { ...original } as AnySip2Message;
    delete request.checksum;
    if (ed) {
      request.sequence = String(this.seq);
      this.seq = (this.seq + 1) % 10;
    } else delete request.sequence;
    const requestBytes = encodeMessage(request, {
      charset: this.opts.charset,
      delimiter: this.opts.delimiter,
      terminator: this.opts.terminator,
      errorDetection: ed,
    });
    this.frames = []; // anything unsolicited before this request is stale
    let toSend = requestBytes;
    let attempts = 0;
    for (;;) {
      attempts++;
      this.write(toSend);
      let frame = await this.nextFrame();
      let checksum = ed
        ? verifyChecksum(frame, { allowCodePointSum: this.opts.allowCodePointSum })
        : { status: 'absent' as const };
      // Skip stale replies to an earlier (timed-out) request: their AY differs from ours.
      while (
        ed &&
        checksum.status === 'valid' &&
        checksum.sequence !== undefined &&
        checksum.sequence !== request.sequence
      ) {
        frame = await this.nextFrame();
        checksum = verifyChecksum(frame, { allowCodePointSum: this.opts.allowCodePointSum });
      }
      const isScResend = frame.length >= 2 && frame[0] === 0x39 && frame[1] === 0x36; // "96"
      if (isScResend || (ed && checksum.status === 'invalid')) {
        if (attempts > this.opts.maxRetries) {
          throw new Sip2ClientError(
            'retries-exhausted',
            isScResend
              ? 'ACS kept asking for resend (96)'
              : `bad response checksum ${checksum.received}, expected ${checksum.expected}`,
          );
        }
        // 96: the ACS did not get our request intact, resend it as is; bad checksum: ask for theirs again.
        toSend = isScResend ? requestBytes : buildAcsResend(true, this.opts.terminator);
        continue;
      }
      let response: AnySip2Message;
      try {
        response = parseMessage(decodeText(frame, this.opts.charset), { delimiter: this.opts.delimiter });
      } catch (err) {
        throw new Sip2ClientError('parse', `unparseable response: ${(err as Error).message}`);
      }
      return {
        request,
        requestBytes,
        response,
        responseBytes: frame,
        checksum,
        attempts,
        elapsedMs: Date.now() - started,
      };
    }
  }

  private write(bytes: Buffer): void {
    if (!this.socket || this.closedError) throw this.closedError ?? new Sip2ClientError('closed', 'not connected');
    this.opts.onTrace?.('>', stripCrLf(bytes));
    this.socket.write(bytes);
  }

  private nextFrame(): Promise<Buffer> {
    const queued = this.frames.shift();
    if (queued) return Promise.resolve(queued);
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Sip2ClientError('timeout', `no response within ${this.opts.timeoutMs} ms`));
      }, this.opts.timeoutMs);
      this.waiter = { resolve, reject, timer };
    });
  }

  private onData(chunk: Buffer): void {
    for (const ev of this.framer.push(chunk)) {
      if (ev.type === 'oversized') {
        this.settle(
          undefined,
          new Sip2ClientError('oversized', `response frame over ${this.opts.maxFrameBytes} bytes`),
        );
        continue;
      }
      this.opts.onTrace?.('<', ev.frame);
      if (this.waiter) this.settle(ev.frame);
      else this.frames.push(ev.frame);
    }
  }

  private settle(frame?: Buffer, err?: Error): void {
    const w = this.waiter;
    if (!w) return;
    this.waiter = undefined;
    clearTimeout(w.timer);
    if (err) w.reject(err);
    else w.resolve(frame!);
  }

  private fail(err: Sip2ClientError): void {
    this.closedError ??= err;
    this.settle(undefined, this.closedError);
  }
}

function stripCrLf(bytes: Buffer): Buffer {
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 0x0d || bytes[end - 1] === 0x0a)) end--;
  return bytes.subarray(0, end);
}
