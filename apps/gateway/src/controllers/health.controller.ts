import { Controller, Get, Req, Res } from '@nestjs/common';
import { GatewayHealthReport } from '../dto';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators';
import { GatewayRequest, GatewayResponse } from '../http/gateway-request';
import { ApiKeyService } from '../services/api-key.service';
import { HealthReportService } from '../services/health-report.service';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

@ApiTags('health')
@Public()
@Controller('health')
export class GatewayHealthController {
  constructor(
    private readonly health: HealthReportService,
    private readonly keys: ApiKeyService,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      'Liveness for probes without a key (`{status}` only); with any valid API key, every service and dependency in detail',
  })
  @ApiResponse({ status: 200, description: 'everything is up' })
  @ApiResponse({ status: 503, description: 'degraded: at least one service or dependency is down' })
  async check(
    @Req() req: GatewayRequest,
    @Res({ passthrough: true }) res: GatewayResponse,
  ): Promise<GatewayHealthReport | Pick<GatewayHealthReport, 'status'>> {
    const report = await this.health.report();
    res.status(report.status === 'up' ? 200 : 503);
    // process ids, socket paths and database errors help an attacker: only key holders see them
    const key = BEARER.exec(req.headers.authorization ?? '')?.[1];
    const principal = key ? await this.keys.authenticate(key) : null;
    return principal ? report : { status: report.status };
  }
}
