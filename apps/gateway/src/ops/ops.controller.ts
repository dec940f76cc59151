import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@app/common';
import { ErrorCode } from '@app/contracts';
import { ApiKeyAuth, Public, RequireRole } from '../auth/auth.decorators';
import { GatewayEnvDto } from '../config/gateway-env.dto';
import type { GatewayRequest, GatewayResponse } from '../http/gateway-request';
import { OpsAssetsService } from './ops-assets.service';

// The page loads only its own files: no inline script or style, no other origin, no framing.
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

export interface OpsSessionView {
  name: string;
  role: string;
  /** the library's time zone and today's local date in it (the page asks for "today" in these terms) */
  timezone: string;
  today: string;
}

/** The operations web page (`/ops`): static files, no key needed to load them; the data needs an ops key. */
@Controller()
export class OpsController {
  constructor(private readonly assets: OpsAssetsService) {}

  @Get('ops')
  @Public()
  @ApiExcludeEndpoint()
  page(@Res() res: GatewayResponse): void {
    this.send(res, 'index.html');
  }

  @Get('ops/assets/:name')
  @Public()
  @ApiExcludeEndpoint()
  asset(@Param('name') name: string, @Res() res: GatewayResponse): void {
    if (name === 'index.html' || !this.assets.get(name)) throw new DomainError(ErrorCode.NotFound, 'no such ops asset');
    this.send(res, name);
  }

  private send(res: GatewayResponse, name: string): void {
    const asset = this.assets.get(name)!;
    res.setHeader('content-type', asset.contentType);
    res.setHeader('content-security-policy', CSP);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('cache-control', name === 'index.html' ? 'no-store' : 'public, max-age=300');
    res.status(200).end(asset.body);
  }
}

/** The session check the ops page signs in with. */
@ApiTags('ops')
@ApiKeyAuth()
@RequireRole('ops')
@Controller('api/ops')
export class OpsSessionController {
  constructor(private readonly env: GatewayEnvDto) {}

  @Get('session')
  @ApiOperation({
    summary: 'Who this ops key is, the library time zone and today in it (the ops page signs in with it)',
  })
  @ApiOkResponse({ description: 'OpsSessionView' })
  session(@Req() req: GatewayRequest): OpsSessionView {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: this.env.LIBRARY_TIMEZONE }).format(new Date());
    return { name: req.apiKey!.name, role: req.apiKey!.role, timezone: this.env.LIBRARY_TIMEZONE, today };
  }
}
