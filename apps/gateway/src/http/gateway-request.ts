import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ReaderPrincipal } from '../auth/reader-token.service';
import type { ApiKeyPrincipal } from '../services/api-key.service';

/** The parts of an Express request the gateway uses (@types/express is not installed). */
export interface GatewayRequest extends IncomingMessage {
  originalUrl: string;
  correlationId?: string;
  apiKey?: ApiKeyPrincipal;
  /** reader endpoints: the reader of the token */
  reader?: ReaderPrincipal;
}

export interface GatewayResponse extends ServerResponse {
  status(code: number): this;
  json(body: unknown): this;
}

/**
 * The origin of a PIN check made through this request, for the patrons service's per-origin throttle:
 * the API key (never what the body claims), so one desk or app guessing cannot lock a card elsewhere.
 */
export function pinOriginOf(req: GatewayRequest): string {
  return req.apiKey ? `http:key-${req.apiKey.id}` : 'http:anonymous';
}
