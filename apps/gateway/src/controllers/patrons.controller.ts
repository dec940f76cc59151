import { Body, Controller, Delete, Get, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CreatePatronDto,
  LoanView,
  Page,
  PatronRefDto,
  PatronSummary,
  PatronView,
  PinThrottleView,
  SearchPatronsDto,
} from '@app/contracts';
import {
  ErrorResponseDto,
  PatronBlockParamsDto,
  PatronLoansQueryDto,
  SetPatronBlockBodyDto,
  UpdatePatronBodyDto,
} from '../dto';
import { ApiKeyAuth } from '../auth/auth.decorators';
import { PatronsApiService } from '../services/patrons-api.service';

@ApiTags('patrons')
@ApiKeyAuth()
@Controller('api/patrons')
export class PatronsController {
  constructor(private readonly patrons: PatronsApiService) {}

  @Post()
  @ApiOperation({ summary: 'Register a patron (library card)' })
  @ApiCreatedResponse({ description: 'PatronView (never the PIN)' })
  create(@Body() dto: CreatePatronDto): Promise<PatronView> {
    return this.patrons.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'Search patrons by name or barcode prefix' })
  @ApiOkResponse({ description: 'Page<PatronView>' })
  search(@Query() query: SearchPatronsDto): Promise<Page<PatronView>> {
    return this.patrons.search(query);
  }

  @Get(':agency/:barcode')
  @ApiOperation({ summary: 'Get a patron by agency ISIL and card barcode' })
  @ApiOkResponse({ description: 'PatronView' })
  @ApiNotFoundResponse({ description: 'PATRON_UNKNOWN', type: ErrorResponseDto })
  get(@Param() ref: PatronRefDto): Promise<PatronView & { pinThrottle: PinThrottleView }> {
    return this.patrons.get(ref);
  }

  @Delete(':agency/:barcode/pin-throttle')
  @ApiOperation({
    summary: 'Clear the wrong-PIN throttle of a card (after checking the reader); the answer is the cleared state',
  })
  @ApiOkResponse({ description: 'PinThrottleView' })
  @ApiNotFoundResponse({ description: 'PATRON_UNKNOWN', type: ErrorResponseDto })
  clearPinThrottle(@Param() ref: PatronRefDto): Promise<PinThrottleView> {
    return this.patrons.clearPinThrottle(ref);
  }

  @Patch(':agency/:barcode')
  @ApiOperation({ summary: 'Change some fields of a patron (incl. a new PIN)' })
  @ApiOkResponse({ description: 'PatronView' })
  update(@Param() ref: PatronRefDto, @Body() body: UpdatePatronBodyDto): Promise<PatronView> {
    return this.patrons.update(ref, body);
  }

  @Put(':agency/:barcode/blocks/:block')
  @ApiOperation({ summary: 'Set a block (card lost, manual, fines, overdue)' })
  @ApiOkResponse({ description: 'PatronView' })
  setBlock(@Param() p: PatronBlockParamsDto, @Body() body: SetPatronBlockBodyDto): Promise<PatronView> {
    return this.patrons.setBlock(p, p.block, true, body?.reason);
  }

  @Delete(':agency/:barcode/blocks/:block')
  @ApiOperation({ summary: 'Lift a block' })
  @ApiOkResponse({ description: 'PatronView' })
  liftBlock(@Param() p: PatronBlockParamsDto): Promise<PatronView> {
    return this.patrons.setBlock(p, p.block, false);
  }

  @Get(':agency/:barcode/loans')
  @ApiOperation({ summary: "A patron's loans (open by default)" })
  @ApiOkResponse({ description: 'Page<LoanView>' })
  loans(@Param() ref: PatronRefDto, @Query() query: PatronLoansQueryDto): Promise<Page<LoanView>> {
    return this.patrons.loans(ref, query);
  }

  @Get(':agency/:barcode/summary')
  @ApiOperation({ summary: 'Open, overdue loans, holds and fines of a patron' })
  @ApiOkResponse({ description: 'PatronSummary' })
  summary(@Param() ref: PatronRefDto): Promise<PatronSummary> {
    return this.patrons.summary(ref);
  }
}
