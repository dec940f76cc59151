import type { GatewayRequest } from './gateway-request';

/** The NCIP endpoint's body is raw XML whatever Content-Type a partner sends (some send none, or form types). */
export const isNcipRequest = (req: { url?: string; originalUrl?: string }): boolean =>
  /^\/ncip(\/|\?|$)/.test(req.originalUrl ?? req.url ?? '');

export interface NcipRequest extends GatewayRequest {
  body?: unknown;
  ncipRefused?: 'too_large';
  _body?: boolean;
}

/**
 * Error middleware right after the NCIP text parser: an oversized body is not answered with the JSON
 * error of /api routes but handed on, marked, so the NCIP endpoint answers it with an NCIP Problem.
 */
export function ncipBodyErrorsMiddleware() {
  return (err: { type?: string }, req: NcipRequest, _res: unknown, next: (err?: unknown) => void): void => {
    if (isNcipRequest(req) && err?.type === 'entity.too.large') {
      req.ncipRefused = 'too_large';
      req.body = '';
      req._body = true; // later parsers leave it alone
      return next();
    }
    next(err);
  };
}
