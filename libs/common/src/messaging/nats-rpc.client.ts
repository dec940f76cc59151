import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ErrorCode, CORRELATION_HEADER, isErrorPayload } from '@app/contracts';
import type { ReplyOf, RequestOf, RpcContract } from '@app/contracts';
import { createInbox, headers as natsHeaders, JSONCodec, Msg, MsgHdrs, NatsConnection, Subscription } from 'nats';
import { RemoteError } from '../errors/domain-error';
import { requestContext } from '../logging/request-context';
import { natsClientLatency } from '../metrics/rpc-metrics';
import { NatsConnectionProvider } from './nats-connection.provider';

export const RPC_DEFAULT_TIMEOUT_MS = Symbol('RPC_DEFAULT_TIMEOUT_MS');

export interface RpcCallOptions {
  /** default NATS_REQUEST_TIMEOUT_MS */
  timeoutMs?: number;
}

const codec = JSONCodec<unknown>();

interface NestReplyPacket {
  id?: string;
  response?: unknown;
  err?: unknown;
  isDisposed?: boolean;
}

/**
 * Request/reply over NATS speaking Nest's wire format ({pattern, data, id} → {response|err}), on the
 * nats client's shared inbox so a request costs one publish. Every request has a timeout; remote
 * errors come back as RemoteError with the remote service's stable code.
 */
@Injectable()
export class NatsRpcClient {
  constructor(
    private readonly connection: NatsConnectionProvider,
    @Inject(RPC_DEFAULT_TIMEOUT_MS) private readonly defaultTimeoutMs: number,
  ) {}

  /**
   * Request/reply checked by the compiler: the payload is the contract's request DTO shape, the
   * answer its reply type. `rpc.call(LoansCheckout, { patron, item, branch })` → `Promise<CheckoutResult>`.
   */
  call<C extends RpcContract>(contract: C, payload: RequestOf<C>, opts: RpcCallOptions = {}): Promise<ReplyOf<C>> {
    return this.send(contract.subject, payload, opts) as Promise<ReplyOf<C>>;
  }

  /**
   * @deprecated untyped: the caller picks the types. Use `call(contract, payload)` with a contract
   * from `@app/contracts` (libs/contracts/src/registry).
   */
  request<TResult, TPayload = unknown>(subject: string, data: TPayload, opts: RpcCallOptions = {}): Promise<TResult> {
    return this.send(subject, data, opts) as Promise<TResult>;
  }

  /** One request, timed into `nats_request_duration_seconds{subject, outcome}` (ok or the error code). */
  private async send(subject: string, data: unknown, opts: RpcCallOptions): Promise<unknown> {
    const t0 = performance.now();
    let outcome = 'ok';
    try {
      const nc = await this.connection.get();
      const h = natsHeaders();
      h.set(CORRELATION_HEADER, requestContext.correlationId() ?? randomUUID());
      const timeout = opts.timeoutMs ?? this.defaultTimeoutMs;
      const reply = await replyMuxFor(nc).request(
        subject,
        codec.encode({ pattern: subject, data, id: randomUUID() }),
        h,
        timeout,
      );
      const packet = codec.decode(reply.data) as NestReplyPacket;
      if (packet.err !== undefined && packet.err !== null) throw toRemoteError(packet.err, subject);
      return packet.response;
    } catch (err) {
      outcome = err instanceof RemoteError ? err.code : ErrorCode.Internal;
      throw err;
    } finally {
      natsClientLatency.observe(subject, outcome, (performance.now() - t0) / 1000);
    }
  }
}

interface Pending {
  resolve: (m: Msg) => void;
  reject: (e: RemoteError) => void;
  timer: NodeJS.Timeout;
  subject: string;
}

/**
 * Request/reply on one wildcard inbox subscription per connection. nats.js's own `request()` builds
 * two Error objects per call (a timeout error up front and a cancel error on every successful reply):
 * ~9 % of the SIP2 adapter's CPU under kiosk load (docs/performance.md). Here a request is one publish,
 * one map entry and one timer. nats-server answers a request nobody subscribes to with a 503 status
 * message on the reply subject (no-responders, on because the client supports headers).
 */
class ReplyMux {
  private readonly prefix = `${createInbox()}.`;
  private readonly pending = new Map<string, Pending>();
  private readonly sub: Subscription;
  private seq = 0;

  constructor(private readonly nc: NatsConnection) {
    this.sub = nc.subscribe(`${this.prefix}*`, { callback: (_err, msg) => this.onReply(msg) });
    void this.sub.closed.then(() => this.failAll('connection closed'));
  }

  request(subject: string, payload: Uint8Array, headers: MsgHdrs, timeout: number): Promise<Msg> {
    const token = (++this.seq).toString(36);
    return new Promise<Msg>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(token);
        reject(
          new RemoteError(ErrorCode.Timeout, `${subject} did not answer within ${timeout} ms`, undefined, subject),
        );
      }, timeout);
      this.pending.set(token, { resolve, reject, timer, subject });
      try {
        this.nc.publish(subject, payload, { reply: this.prefix + token, headers });
      } catch (err) {
        clearTimeout(timer);
        this.pending.delete(token);
        reject(
          new RemoteError(
            ErrorCode.ServiceUnavailable,
            `request to ${subject} failed: ${(err as Error).message}`,
            undefined,
            subject,
          ),
        );
      }
    });
  }

  private onReply(msg: Msg | undefined): void {
    if (!msg) return;
    const token = msg.subject.slice(this.prefix.length);
    const p = this.pending.get(token);
    if (!p) return; // answered after its timeout
    this.pending.delete(token);
    clearTimeout(p.timer);
    if (msg.data.length === 0 && msg.headers?.code === 503) {
      p.reject(
        new RemoteError(ErrorCode.ServiceUnavailable, `no service is answering ${p.subject}`, undefined, p.subject),
      );
    } else {
      p.resolve(msg);
    }
  }

  private failAll(reason: string): void {
    for (const [token, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(token);
      p.reject(
        new RemoteError(
          ErrorCode.ServiceUnavailable,
          `request to ${p.subject} failed: ${reason}`,
          undefined,
          p.subject,
        ),
      );
    }
  }
}

const muxes = new WeakMap<NatsConnection, ReplyMux>();
function replyMuxFor(nc: NatsConnection): ReplyMux {
  let mux = muxes.get(nc);
  if (!mux) {
    mux = new ReplyMux(nc);
    muxes.set(nc, mux);
  }
  return mux;
}

function toRemoteError(err: unknown, subject: string): RemoteError {
  if (isErrorPayload(err)) return new RemoteError(err.code, err.message, err.details, subject);
  // Nest's own "There is no matching message handler defined" and other untyped errors
  const message = typeof err === 'string' ? err : ((err as { message?: string })?.message ?? JSON.stringify(err));
  const code = /no matching message handler/i.test(message) ? ErrorCode.ServiceUnavailable : ErrorCode.Internal;
  return new RemoteError(code, `${subject}: ${message}`, undefined, subject);
}

/** An RPC client outside Nest (launcher, seeding, benchmark tools). */
export function createStandaloneRpcClient(
  natsUrl: string,
  name: string,
  timeoutMs = 5000,
): { client: NatsRpcClient; close: () => Promise<void> } {
  const options = { servers: natsUrl, name };
  const connection = new NatsConnectionProvider(options);
  return { client: new NatsRpcClient(connection, timeoutMs), close: () => connection.onApplicationShutdown() };
}
