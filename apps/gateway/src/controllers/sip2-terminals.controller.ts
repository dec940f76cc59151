import { Body, Controller, Delete, Get, Param, Put, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ListSip2TerminalsDto, Page, Sip2MetricsView, Sip2TerminalRefDto, Sip2TerminalView } from '@app/contracts';
import { ErrorResponseDto, SetSip2TerminalEnabledBodyDto, UpsertSip2TerminalBodyDto } from '../dto';
import { ApiKeyAuth, RequireRole } from '../auth/auth.decorators';
import { Sip2ApiService } from '../services/sip2-api.service';

/** Terminal accounts for self-check kiosks, 24-hour libraries and lockers: an operations task. */
@ApiTags('sip2')
@ApiKeyAuth()
@RequireRole('ops')
@Controller('api/sip2')
export class Sip2TerminalsController {
  constructor(private readonly sip2: Sip2ApiService) {}

  @Get('terminals')
  @ApiOperation({ summary: 'List SIP2 terminal accounts (ops)' })
  @ApiOkResponse({ description: 'Page<Sip2TerminalView> (never the password)' })
  list(@Query() query: ListSip2TerminalsDto): Promise<Page<Sip2TerminalView>> {
    return this.sip2.list(query);
  }

  @Get('terminals/:login')
  @ApiOperation({ summary: 'Get a SIP2 terminal account (ops)' })
  @ApiOkResponse({ description: 'Sip2TerminalView' })
  @ApiNotFoundResponse({ description: 'NOT_FOUND', type: ErrorResponseDto })
  get(@Param() p: Sip2TerminalRefDto): Promise<Sip2TerminalView> {
    return this.sip2.get(p.login);
  }

  @Put('terminals/:login')
  @ApiOperation({ summary: 'Create or update a SIP2 terminal account (ops); the password is required on create' })
  @ApiOkResponse({ description: 'Sip2TerminalView' })
  upsert(@Param() p: Sip2TerminalRefDto, @Body() body: UpsertSip2TerminalBodyDto): Promise<Sip2TerminalView> {
    return this.sip2.upsert(p.login, body);
  }

  @Put('terminals/:login/enabled')
  @ApiOperation({ summary: 'Enable or disable a SIP2 terminal account (ops)' })
  @ApiOkResponse({ description: 'Sip2TerminalView' })
  setEnabled(@Param() p: Sip2TerminalRefDto, @Body() body: SetSip2TerminalEnabledBodyDto): Promise<Sip2TerminalView> {
    return this.sip2.setEnabled(p.login, body.enabled);
  }

  @Delete('terminals/:login/throttle')
  @ApiOperation({
    summary: 'Clear the wrong-password and wrong-PIN throttle of a SIP2 terminal (ops); the answer shows its state',
  })
  @ApiOkResponse({ description: 'Sip2TerminalView with throttle' })
  @ApiNotFoundResponse({ description: 'NOT_FOUND', type: ErrorResponseDto })
  clearThrottle(@Param() p: Sip2TerminalRefDto): Promise<Sip2TerminalView> {
    return this.sip2.clearThrottle(p.login);
  }

  @Get('metrics')
  @ApiOperation({ summary: 'SIP2 message counts, errors and latencies per message type (ops)' })
  @ApiOkResponse({ description: 'Sip2MetricsView' })
  metrics(): Promise<Sip2MetricsView> {
    return this.sip2.metrics();
  }
}
