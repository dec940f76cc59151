import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ErrorCode, CORRELATION_HEADER, isErrorPayload } from '@app/contracts';
import { headers as natsHeaders, JSONCodec, NatsError, ErrorCode as NatsErrorCode } from 'nats';
import { RemoteError } from '../errors/domain-error';
import { requestContext } from '../logging/request-context';
import { NatsConnectionProvider } from './nats-connection.provider';

export const RPC_DEFAULT_TIMEOUT_MS = Symbol('RPC_DEFAULT_TIMEOUT_MS');

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

  async request<TResult, TPayload = unknown>(
    subject: string,
    data: TPayload,
    opts: { timeoutMs?: number } = {},
  ): Promise<TResult> {
    const nc = await this.connection.get();
    const h = natsHeaders();
    h.set(CORRELATION_HEADER, requestContext.correlationId() ?? randomUUID());
    const timeout = opts.timeoutMs ?? this.defaultTimeoutMs;
    let reply;
    try {
      reply = await nc.request(subject, codec.encode({ pattern: subject, data, id: randomUUID() }), { timeout, headers: h });
    } catch (err) {
      throw translateNatsError(err, subject, timeout);
    }
    const packet = codec.decode(reply.data) as NestReplyPacket;
    if (packet.err !== undefined && packet.err !== null) throw toRemoteError(packet.err, subject);
    return packet.response as TResult;
  }
}

function translateNatsError(err: unknown, subject: string, timeout: number): RemoteError {
  if (err instanceof NatsError) {
    if (err.code === NatsErrorCode.NoResponders) {
      return new RemoteError(ErrorCode.ServiceUnavailable, `no service is answering ${subject}`, undefined, subject);
    }
    if (err.code === NatsErrorCode.Timeout) {
      return new RemoteError(ErrorCode.Timeout, `${subject} did not answer within ${timeout} ms`, undefined, subject);
    }
  }
  return new RemoteError(ErrorCode.ServiceUnavailable, `request to ${subject} failed: ${(err as Error).message}`, undefined, subject);
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
