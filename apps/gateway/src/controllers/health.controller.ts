import { Controller, Get, Res } from '@nestjs/common';
import { GatewayHealthReport } from '../dto';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators';
import { GatewayResponse } from '../http/gateway-request';
import { HealthReportService } from '../services/health-report.service';

@ApiTags('health')
@Public()
@Controller('health')
export class GatewayHealthController {
  constructor(private readonly health: HealthReportService) {}

  @Get()
  @ApiOperation({ summary: 'Health of every service and of the gateway itself (no API key needed)' })
  @ApiResponse({ status: 200, description: 'everything is up' })
  @ApiResponse({ status: 503, description: 'degraded: at least one service or dependency is down' })
  async check(@Res({ passthrough: true }) res: GatewayResponse): Promise<GatewayHealthReport> {
    const report = await this.health.report();
    res.status(report.status === 'up' ? 200 : 503);
    return report;
  }
}
