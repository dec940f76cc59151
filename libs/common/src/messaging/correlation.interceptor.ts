import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { NatsContext } from '@nestjs/microservices';
import { CORRELATION_HEADER } from '@app/contracts';
import { Observable } from 'rxjs';
import { requestContext } from '../logging/request-context';

/** Runs each NATS handler inside the caller's correlation id, so logs and onward requests carry it. */
@Injectable()
export class CorrelationInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const ctx = context.switchToRpc().getContext<NatsContext>();
    const correlationId = ctx?.getHeaders?.()?.get(CORRELATION_HEADER) || requestContext.newId();
    return new Observable((subscriber) =>
      requestContext.run({ correlationId }, () => next.handle().subscribe(subscriber)),
    );
  }
}
