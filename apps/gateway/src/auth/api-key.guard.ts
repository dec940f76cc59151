import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '@app/common';
import { ErrorCode } from '@app/contracts';
import { ApiKeyRole } from '../dto';
import { GatewayRequest } from '../http/gateway-request';
import { ApiKeyService, roleSatisfies } from '../services/api-key.service';
import { PUBLIC_ROUTE, READER_ROUTE, REQUIRED_ROLE } from './auth.decorators';
import { ReaderTokenService } from './reader-token.service';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** Global guard (APP_GUARD): every HTTP route needs `Authorization: Bearer <key>` unless @Public(). */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyService,
    private readonly readers: ReaderTokenService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // the gateway's own NATS handlers (health, ping) are not behind API keys
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const req = context.switchToHttp().getRequest<GatewayRequest>();
    if (this.reflector.getAllAndOverride<boolean>(READER_ROUTE, targets)) {
      const token = BEARER.exec(req.headers.authorization ?? '')?.[1];
      const reader = token ? this.readers.verify(token) : null;
      if (!reader)
        throw new DomainError(
          ErrorCode.Unauthorized,
          'a reader token is required: log in with POST /api/reader/login and send Authorization: Bearer <token>',
        );
      req.reader = reader;
      return true;
    }
    const key = BEARER.exec(req.headers.authorization ?? '')?.[1];
    if (!key) throw new DomainError(ErrorCode.Unauthorized, 'an API key is required: send Authorization: Bearer <key>');
    const principal = await this.keys.authenticate(key);
    if (!principal) throw new DomainError(ErrorCode.Unauthorized, 'the API key is invalid or has been revoked');
    req.apiKey = principal;

    const need = this.reflector.getAllAndOverride<ApiKeyRole>(REQUIRED_ROLE, targets) ?? 'staff';
    if (!roleSatisfies(principal.role, need)) {
      throw new DomainError(
        ErrorCode.Forbidden,
        `this endpoint needs an ${need} key; "${principal.name}" is a ${principal.role} key`,
      );
    }
    return true;
  }
}
