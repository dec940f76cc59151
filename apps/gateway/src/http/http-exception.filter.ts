import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { Logger } from 'pino';
import { QueryFailedError } from 'typeorm';
import { databaseInputError, DomainError, RemoteError } from '@app/common';
import { ERROR_HTTP_STATUS, ErrorCode, ErrorPayload } from '@app/contracts';
import { GatewayRequest, GatewayResponse } from './gateway-request';

/** Codes for Nest's own HttpExceptions (unknown route, body too large …), by status. */
const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: ErrorCode.ValidationFailed,
  401: ErrorCode.Unauthorized,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  409: ErrorCode.Conflict,
  503: ErrorCode.ServiceUnavailable,
  504: ErrorCode.Timeout,
};

/**
 * A domain code no entry in ERROR_HTTP_STATUS knows about is still a deliberate refusal by a service
 * (unexpected failures arrive as INTERNAL), so it becomes 422 rather than a misleading 500.
 */
const UNMAPPED_DOMAIN_STATUS = HttpStatus.UNPROCESSABLE_ENTITY;

export interface HttpErrorResponse {
  status: number;
  body: ErrorPayload;
}

/**
 * Every HTTP error leaves as `{ code, message, details? }` with the status from ERROR_HTTP_STATUS.
 * Unexpected errors are logged with their stack and answered as INTERNAL with a reference id.
 */
@Catch()
export class HttpExceptionsFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<GatewayRequest>();
    const res = host.switchToHttp().getResponse<GatewayResponse>();
    const { status, body } = this.toResponse(exception, req);
    if (res.headersSent) return;
    if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
    res.status(status).json(body);
  }

  toResponse(exception: unknown, req?: GatewayRequest): HttpErrorResponse {
    if (exception instanceof DomainError || exception instanceof RemoteError) {
      const body = exception.toPayload();
      const status = ERROR_HTTP_STATUS[body.code] ?? UNMAPPED_DOMAIN_STATUS;
      if (status >= 500) {
        const subject = exception instanceof RemoteError ? exception.subject : undefined;
        this.logger.warn(
          { event: 'upstream_error', code: body.code, subject, correlationId: req?.correlationId },
          body.message,
        );
      }
      return { status, body };
    }
    if (exception instanceof HttpException) return fromHttpException(exception);
    if (exception instanceof QueryFailedError && (exception.driverError as { code?: string })?.code === '23505') {
      return { status: 409, body: { code: ErrorCode.Conflict, message: 'a record with the same key already exists' } };
    }
    const badInput = databaseInputError(exception);
    if (badInput) return { status: 400, body: badInput };
    const ref = Math.random().toString(36).slice(2, 10);
    const err = exception as Error;
    this.logger.error(
      {
        event: 'unexpected_error',
        ref,
        correlationId: req?.correlationId,
        method: req?.method,
        path: req?.originalUrl?.split('?')[0].replace(/^\/ncip\/.+$/, '/ncip/***'),
        err,
      },
      `unexpected error (ref ${ref}): ${err?.message}`,
    );
    return {
      status: 500,
      body: { code: ErrorCode.Internal, message: `unexpected error in gateway (ref ${ref})`, details: { ref } },
    };
  }
}

function fromHttpException(e: HttpException): HttpErrorResponse {
  const status = e.getStatus();
  const response = e.getResponse();
  const raw = typeof response === 'string' ? response : (response as { message?: unknown }).message;
  const message = Array.isArray(raw) ? raw.join('; ') : typeof raw === 'string' ? raw : e.message;
  const code = CODE_BY_STATUS[status] ?? (status >= 500 ? ErrorCode.Internal : ErrorCode.ValidationFailed);
  return { status, body: { code, message } };
}
