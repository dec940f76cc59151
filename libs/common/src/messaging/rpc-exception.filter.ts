import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { ErrorCode, ErrorPayload } from '@app/contracts';
import { Observable, throwError } from 'rxjs';
import { QueryFailedError } from 'typeorm';
import { databaseInputError } from '../errors/database-input-error';
import { DomainError, RemoteError } from '../errors/domain-error';

/**
 * Everything a NATS handler throws leaves as a typed ErrorPayload with a stable code. Unexpected
 * errors are logged here with their stack and cross the wire as INTERNAL with a reference id.
 */
@Catch()
export class RpcExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('RpcExceptionsFilter');

  constructor(private readonly service: string) {}

  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => this.toPayload(exception));
  }

  toPayload(exception: unknown): ErrorPayload {
    if (exception instanceof DomainError || exception instanceof RemoteError) return exception.toPayload();
    if (exception instanceof RpcException) {
      const e = exception.getError();
      if (typeof e === 'object' && e && 'code' in e) return e as ErrorPayload;
      return { code: ErrorCode.Internal, message: String(typeof e === 'string' ? e : JSON.stringify(e)) };
    }
    if (exception instanceof QueryFailedError && (exception.driverError as { code?: string })?.code === '23505') {
      return { code: ErrorCode.Conflict, message: 'a record with the same key already exists' };
    }
    const badInput = databaseInputError(exception);
    if (badInput) {
      // the database's message quotes the value, which may be a secret: the state code only
      this.logger.warn(`bad input reached the database (SQLSTATE ${String(badInput.details?.sqlState)})`);
      return badInput;
    }
    const ref = Math.random().toString(36).slice(2, 10);
    this.logger.error(`unexpected error (ref ${ref}): ${(exception as Error)?.message}`, (exception as Error)?.stack);
    return { code: ErrorCode.Internal, message: `unexpected error in ${this.service} (ref ${ref})`, details: { ref } };
  }
}
