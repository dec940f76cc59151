import { BadRequestException, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { ExactlyOnceWriter, NatsRpcClient } from '@app/common';
import type { ReplyOf, RequestOf, RpcContract } from '@app/contracts';
import { GatewayEnvDto } from '../config/gateway-env.dto';
import type { GatewayRequest } from './gateway-request';

/** What a client may send in `Idempotency-Key` (printable ASCII, no spaces; Stripe-style). */
const HEADER_PATTERN = /^[\x21-\x7e]{1,128}$/;

/**
 * `Idempotency-Key` of a write request, scoped to the calling API key (two clients can never share a
 * key): `http:<api key id>:<header>`; undefined without the header. A malformed header is a 400.
 */
export const IdempotencyKey = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined => {
  const req = ctx.switchToHttp().getRequest<GatewayRequest>();
  const raw = req.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!HEADER_PATTERN.test(value)) {
    throw new BadRequestException({
      message: 'Idempotency-Key must be 1-128 printable ASCII characters without spaces',
      fields: [{ field: 'Idempotency-Key', problems: ['invalid'] }],
    });
  }
  return `http:${req.apiKey?.id ?? 'anonymous'}:${value}`;
});

/** OpenAPI: the header on each write operation. */
export const ApiIdempotencyKey = () =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'makes the write safe to retry: the same key (per API key) answers the first outcome again, never a second change; a different body under the same key is 422 IDEMPOTENCY_KEY_REUSED',
  });

/**
 * The gateway's circulation writes: with an Idempotency-Key a timeout or a restarting loans service is
 * retried with the same key within NATS_REQUEST_TIMEOUT_MS, then the outcome is asked for; without
 * one, a single request as before. Keys sent in the JSON body are ignored: only the header counts.
 */
@Injectable()
export class IdempotentWrites {
  private readonly writer: ExactlyOnceWriter;

  constructor(rpc: NatsRpcClient, env: GatewayEnvDto) {
    this.writer = new ExactlyOnceWriter(rpc, {
      deadlineMs: env.NATS_REQUEST_TIMEOUT_MS,
      outcomeMs: Math.max(1000, Math.floor(env.NATS_REQUEST_TIMEOUT_MS / 2)),
      attemptMs: Math.max(500, Math.floor(env.NATS_REQUEST_TIMEOUT_MS / 3)),
    });
  }

  write<C extends RpcContract<string, { idempotencyKey?: string; deadline?: string }>>(
    contract: C,
    dto: RequestOf<C>,
    key: string | undefined,
  ): Promise<ReplyOf<C>> {
    const { idempotencyKey: _k, deadline: _d, ...body } = dto as { idempotencyKey?: string; deadline?: string };
    return this.writer.write(contract, (key ? { ...body, idempotencyKey: key } : body) as RequestOf<C>);
  }
}
