import { ErrorCode, ErrorPayload } from '@app/contracts';

/**
 * A refusal or failure the caller should understand (unknown item, card expired …). Services throw
 * these; the RPC exception filter turns them into typed payloads with stable codes.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode | string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }
}

/** The error a NATS caller receives: same code and message as the remote DomainError. */
export class RemoteError extends Error {
  constructor(
    readonly code: ErrorCode | string,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly subject?: string,
  ) {
    super(message);
    this.name = 'RemoteError';
  }

  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }
}
