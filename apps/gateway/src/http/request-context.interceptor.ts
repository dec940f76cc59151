import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { requestContext } from '@app/common';
import { GatewayRequest } from './gateway-request';

/**
 * Runs each HTTP handler inside the request's correlation id, so NatsRpcClient forwards it to the
 * services and their logs line up with ours.
 */
@Injectable()
export class RequestContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const correlationId = context.switchToHttp().getRequest<GatewayRequest>().correlationId ?? requestContext.newId();
    return new Observable((subscriber) =>
      requestContext.run({ correlationId }, () => next.handle().subscribe(subscriber)),
    );
  }
}
