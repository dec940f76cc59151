import { MessageHandler, NatsOptions, ServerNats } from '@nestjs/microservices';
import { CORRELATION_HEADER } from '@app/contracts';
import type { Msg, NatsConnection } from 'nats';
import { requestContext } from '../logging/request-context';
import { natsServerLatency } from '../metrics/rpc-metrics';
import { coalesceNatsWrites } from './nats-write-coalescing';

/**
 * Nest's NATS server with two per-message costs taken out of the hot path (docs/performance.md):
 * - every handler runs inside the caller's correlation id (AsyncLocalStorage), set here once per message
 *   instead of by a global interceptor (Nest wraps every interceptor call in `AsyncResource.bind` and
 *   two rxjs `defer`s, 3-4 % of a service's CPU under kiosk load);
 * - the handler for a subject is looked up once (Nest JSON-parses the subject on every message);
 * - replies are written to nats-server once per event-loop turn (`coalesceNatsWrites`).
 */
export class CorrelatedServerNats extends ServerNats {
  private readonly handlerCache = new Map<string, MessageHandler | null>();

  constructor(options: Required<NatsOptions>['options']) {
    super(options);
  }

  override async createNatsClient(): Promise<NatsConnection> {
    const nc = (await super.createNatsClient()) as NatsConnection;
    coalesceNatsWrites(nc);
    return nc;
  }

  override handleMessage(channel: string, natsMsg: Msg): Promise<unknown> {
    const correlationId = natsMsg.headers?.get(CORRELATION_HEADER) || requestContext.newId();
    return requestContext.run({ correlationId }, () => super.handleMessage(channel, natsMsg));
  }

  /** Times each request from its decoding to its reply (`nats_handler_duration_seconds`). */
  override getPublisher(natsMsg: Msg, id: string, ctx: unknown): (response: unknown) => unknown {
    const publish = super.getPublisher(natsMsg, id, ctx as never) as (response: unknown) => unknown;
    if (!natsMsg.reply) return publish;
    const t0 = performance.now();
    const subject = natsMsg.subject;
    let observed = false;
    return (response: unknown) => {
      if (!observed) {
        observed = true;
        const err = (response as { err?: unknown } | null)?.err;
        const outcome =
          err === undefined || err === null
            ? 'ok'
            : typeof err === 'object' && typeof (err as { code?: unknown }).code === 'string'
              ? (err as { code: string }).code
              : 'INTERNAL';
        natsServerLatency.observe(subject, outcome, (performance.now() - t0) / 1000);
      }
      return publish(response);
    };
  }

  override getHandlerByPattern(pattern: string): MessageHandler | null {
    let handler = this.handlerCache.get(pattern);
    if (handler === undefined) {
      handler = super.getHandlerByPattern(pattern);
      // handlers are all registered before listen(); only found ones are remembered
      if (handler) this.handlerCache.set(pattern, handler);
    }
    return handler;
  }
}
