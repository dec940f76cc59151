import { CORRELATION_HEADER } from '@app/contracts';
import { requestContext } from '@app/common';
import type { Logger } from 'pino';
import { GatewayRequest, GatewayResponse } from './gateway-request';

/** Accepted inbound ids: bounded and printable, so a header cannot inject junk into logs. */
const VALID_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * First middleware of the app: picks the correlation id (the caller's `x-correlation-id` or a new
 * one), echoes it in the response and writes one structured log line per request when it ends.
 * The Authorization header is never logged; the key is identified by its name only.
 */
export function correlationMiddleware(logger: Logger) {
  return (req: GatewayRequest, res: GatewayResponse, next: () => void): void => {
    const inbound = req.headers[CORRELATION_HEADER];
    const correlationId = typeof inbound === 'string' && VALID_ID.test(inbound) ? inbound : requestContext.newId();
    req.correlationId = correlationId;
    res.setHeader(CORRELATION_HEADER, correlationId);

    const started = performance.now();
    let logged = false;
    const log = (): void => {
      if (logged) return;
      logged = true;
      const status = res.writableFinished ? res.statusCode : 499; // 499: client went away first
      const line = {
        event: 'http',
        method: req.method,
        // /ncip/<key>: the partner key is in the path and must not reach the log
        path: req.originalUrl.split('?')[0].replace(/^\/ncip\/.+$/, '/ncip/***'),
        status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        correlationId,
        ...(req.apiKey ? { key: req.apiKey.name } : {}),
      };
      // a degraded /health is a report, not a failure of the request (and probes would flood errors)
      if (status >= 500 && line.path !== '/health') logger.error(line, 'request failed');
      else logger.info(line, 'request');
    };
    res.once('finish', log);
    res.once('close', log);
    // best effort: body parsing may lose the async context, so the interceptor sets it again for handlers
    requestContext.run({ correlationId }, next);
  };
}
