import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { NatsRpcClient } from '@app/common';
import {
  CirculationExceptionView,
  ListCirculationExceptionsDto,
  LoansOfflineExceptionResolve,
  LoansOfflineExceptions,
  LoansOfflineUpload,
  OfflineUploadDto,
  OfflineUploadResult,
  Page,
} from '@app/contracts';
import { ApiKeyAuth } from '../auth/auth.decorators';
import { ResolveCirculationExceptionBodyDto } from '../dto';
import type { GatewayRequest } from '../http/gateway-request';
import { OFFLINE_CSV_COLUMNS, OfflineCsvError, parseOfflineCsv } from '../http/offline-csv';

/** Uploads of what desks did offline take longer than one checkout: up to 5000 lines in time order. */
const UPLOAD_TIMEOUT_MS = 120_000;

/** Staff offline upload and the exceptions list (loans.offline.*.v1); docs/circulation.md. */
@ApiTags('circulation')
@ApiKeyAuth()
@Controller('api/circulation')
export class OfflineCirculationController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Post('offline')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary:
      'Upload what a desk did offline (JSON, or CSV with ?branch=): replayed in time order, one result per line; conflicts go on the exceptions list',
  })
  @ApiConsumes('application/json', 'text/csv')
  @ApiBody({
    type: OfflineUploadDto,
    description: `JSON; or text/csv with the header ${OFFLINE_CSV_COLUMNS.join(',')}`,
  })
  @ApiQuery({ name: 'branch', required: false, description: 'CSV only: the branch where the desk worked' })
  @ApiQuery({ name: 'uploadedBy', required: false, description: 'CSV only' })
  @ApiOkResponse({ description: 'OfflineUploadResult: applied / exceptions / refused counts and one result per line' })
  async upload(
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Query('branch') branch?: string,
    @Query('uploadedBy') uploadedBy?: string,
  ): Promise<OfflineUploadResult> {
    let dto: unknown = body;
    if ((contentType ?? '').startsWith('text/csv')) {
      if (typeof body !== 'string') throw new BadRequestException('empty CSV body');
      try {
        dto = { branch, ...(uploadedBy ? { uploadedBy } : {}), transactions: await parseOfflineCsv(body) };
      } catch (err) {
        if (err instanceof OfflineCsvError) throw new BadRequestException(err.message);
        throw err;
      }
    }
    // validated by the loans service (VALIDATION_FAILED → 400 with the fields)
    return this.rpc.call(LoansOfflineUpload, dto as OfflineUploadDto, { timeoutMs: UPLOAD_TIMEOUT_MS });
  }

  @Get('exceptions')
  @ApiOperation({
    summary: 'Offline and no-block transactions applied with a conflict, newest first (the staff exceptions list)',
  })
  @ApiOkResponse({ description: 'Page<CirculationExceptionView>' })
  exceptions(@Query() q: ListCirculationExceptionsDto): Promise<Page<CirculationExceptionView>> {
    return this.rpc.call(LoansOfflineExceptions, q);
  }

  @Post('exceptions/:id/resolve')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary:
      'Mark an exception resolved with a note (who: the API key); the same resolution again answers it, another is 409',
  })
  @ApiOkResponse({ description: 'CirculationExceptionView (resolvedAt, resolvedBy, resolutionNote)' })
  resolve(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ResolveCirculationExceptionBodyDto,
    @Req() req: GatewayRequest,
  ): Promise<CirculationExceptionView> {
    return this.rpc.call(LoansOfflineExceptionResolve, {
      id,
      note: body.note,
      resolvedBy: `staff:${req.apiKey!.name}`,
    });
  }
}
