import { Body, Controller, Delete, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NatsRpcClient } from '@app/common';
import {
  CalendarBranchDto,
  CalendarView,
  ClosureIdDto,
  ClosureReport,
  ClosureView,
  CreateClosureDto,
  ListClosuresDto,
  LoansCalendarsGet,
  LoansCalendarsList,
  LoansCalendarsUpsert,
  LoansClosuresCreate,
  LoansClosuresDelete,
  LoansClosuresList,
} from '@app/contracts';
import { ErrorResponseDto, UpsertCalendarBodyDto } from '../dto';
import { ApiKeyAuth, RequireRole } from '../auth/auth.decorators';

/** Opening calendars, holidays and closures (loans.calendars.*.v1, loans.closures.*.v1). */
@ApiTags('calendars')
@ApiKeyAuth()
@Controller('api')
export class CalendarsController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Get('calendars')
  @ApiOperation({ summary: 'Every branch calendar (weekly hours, upcoming closures); * is the network default' })
  @ApiOkResponse({ description: 'CalendarView[]' })
  list(): Promise<CalendarView[]> {
    return this.rpc.call(LoansCalendarsList, {});
  }

  @Get('calendars/:branch')
  @ApiOperation({
    summary:
      "A branch's calendar: weekly hours, whether it is always open (24-hour library, locker), upcoming closures",
  })
  @ApiOkResponse({ description: 'CalendarView' })
  get(@Param() p: CalendarBranchDto): Promise<CalendarView> {
    return this.rpc.call(LoansCalendarsGet, p);
  }

  @Put('calendars/:branch')
  @RequireRole('ops')
  @ApiOperation({
    summary:
      "Set a branch's weekly opening hours (ops); a missing or null weekday is closed; branch * is the network default",
  })
  @ApiOkResponse({ description: 'CalendarView' })
  @ApiNotFoundResponse({ description: 'BRANCH_UNKNOWN', type: ErrorResponseDto })
  upsert(@Param() p: CalendarBranchDto, @Body() body: UpsertCalendarBodyDto): Promise<CalendarView> {
    return this.rpc.call(LoansCalendarsUpsert, { ...body, branch: p.branch });
  }

  @Get('closures')
  @ApiOperation({ summary: 'Closures and holidays (of one branch, network-wide ones included)' })
  @ApiOkResponse({ description: 'ClosureView[]' })
  listClosures(@Query() query: ListClosuresDto): Promise<ClosureView[]> {
    return this.rpc.call(LoansClosuresList, query);
  }

  @Post('closures')
  @RequireRole('ops')
  @ApiOperation({
    summary:
      'Close one branch or (without branch) the whole network for a date range (ops): every open loan due inside moves to the next open day, in one transaction',
  })
  @ApiCreatedResponse({ description: 'ClosureReport: how many loans moved, per due branch and new due date' })
  createClosure(@Body() dto: CreateClosureDto): Promise<ClosureReport> {
    // a network closure over many loans may take longer than an ordinary request
    return this.rpc.call(LoansClosuresCreate, dto, { timeoutMs: 60_000 });
  }

  @Delete('closures/:id')
  @RequireRole('ops')
  @ApiOperation({ summary: 'Remove a closure (ops); loans it moved keep their later due date' })
  @ApiOkResponse({ description: 'ClosureView' })
  deleteClosure(@Param() p: ClosureIdDto): Promise<ClosureView> {
    return this.rpc.call(LoansClosuresDelete, p);
  }
}
