import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { createHash, timingSafeEqual } from 'node:crypto';
import { DomainError, metricsExposition } from '@app/common';
import { ErrorCode } from '@app/contracts';
import { Public } from '../auth/auth.decorators';
import { GatewayEnvDto } from '../config/gateway-env.dto';
import type { GatewayRequest, GatewayResponse } from '../http/gateway-request';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Prometheus text format of the gateway process. No API-key lookup (Prometheus scrapes every few
 * seconds): with `METRICS_TOKEN` set, `Authorization: Bearer <token>` is required; without it only
 * loopback callers are answered, so a published gateway port does not expose it by default.
 */
@ApiExcludeController()
@Public()
@Controller('metrics')
export class GatewayMetricsController {
  private readonly token?: Buffer;

  constructor(env: GatewayEnvDto) {
    this.token = env.METRICS_TOKEN ? digest(env.METRICS_TOKEN) : undefined;
  }

  @Get()
  async metrics(@Req() req: GatewayRequest, @Res() res: GatewayResponse): Promise<void> {
    if (this.token) {
      const given = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      if (!given || !timingSafeEqual(digest(given), this.token))
        throw new DomainError(ErrorCode.Unauthorized, 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>');
    } else if (!isLoopback(req.socket.remoteAddress)) {
      throw new DomainError(
        ErrorCode.Forbidden,
        'GET /metrics is answered to loopback callers only unless METRICS_TOKEN is set',
      );
    }
    const { contentType, body } = await metricsExposition();
    res.setHeader('content-type', contentType);
    res.status(200).end(body);
  }
}

function isLoopback(address: string | undefined): boolean {
  return !!address && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));
}
