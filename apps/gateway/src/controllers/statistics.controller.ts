import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { NatsRpcClient } from '@app/common';
import {
  AnnualReportQueryDto,
  BackfillDto,
  BackfillReport,
  CirculationReportQueryDto,
  DateRangeQueryDto,
  HeatmapQueryDto,
  ReportTable,
  StatisticsAnnualReport,
  StatisticsBackfill,
  StatisticsCirculationReport,
  StatisticsHeatmap,
  StatisticsPatrons,
  StatisticsTurnover,
} from '@app/contracts';
import { ApiKeyAuth, RequireRole } from '../auth/auth.decorators';
import type { GatewayResponse } from '../http/gateway-request';
import { CSV_CONTENT_TYPE, ExportFormat, ExportFormats, toCsv, toXlsx, XLSX_CONTENT_TYPE } from '../http/report-export';

/* HTTP query shapes: the report query plus the export format (not sent to the statistics service). */
class CirculationHttpQuery extends CirculationReportQueryDto {
  @ApiPropertyOptional({ enum: ExportFormats, default: 'json', description: 'csv or xlsx: download the table' })
  @IsOptional()
  @IsIn(ExportFormats)
  format?: ExportFormat;
}
class HeatmapHttpQuery extends HeatmapQueryDto {
  @ApiPropertyOptional({ enum: ExportFormats, default: 'json', description: 'csv or xlsx: download the table' })
  @IsOptional()
  @IsIn(ExportFormats)
  format?: ExportFormat;
}
class RangeHttpQuery extends DateRangeQueryDto {
  @ApiPropertyOptional({ enum: ExportFormats, default: 'json', description: 'csv or xlsx: download the table' })
  @IsOptional()
  @IsIn(ExportFormats)
  format?: ExportFormat;
}
class AnnualHttpQuery extends AnnualReportQueryDto {
  @ApiPropertyOptional({ enum: ExportFormats, default: 'json', description: 'csv or xlsx: download the table' })
  @IsOptional()
  @IsIn(ExportFormats)
  format?: ExportFormat;
}

/**
 * Statistics reports for staff and operations (`statistics.reports.*.v1`), as JSON or, with
 * `?format=csv|xlsx`, as a download. Computed by the statistics service from its daily rollups.
 */
@ApiTags('statistics')
@ApiKeyAuth()
@Controller('api/statistics')
export class StatisticsController {
  constructor(private readonly rpc: NatsRpcClient) {}

  @Get('circulation')
  @ApiOperation({ summary: 'Circulation by local day × branch × channel × action (format=json|csv|xlsx)' })
  @ApiProduces('application/json', CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE)
  @ApiOkResponse({ description: 'ReportTable' })
  async circulation(@Query() { format, ...q }: CirculationHttpQuery, @Res() res: GatewayResponse): Promise<void> {
    const table = await this.rpc.call(StatisticsCirculationReport, q);
    await send(res, format, table, [table], `circulation-${q.from}-${q.to}`);
  }

  @Get('heatmap')
  @ApiOperation({ summary: 'Hour-of-week heat map (ISO weekday × local hour) of one action, default checkout' })
  @ApiProduces('application/json', CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE)
  @ApiOkResponse({ description: 'HeatmapReport' })
  async heatmap(@Query() { format, ...q }: HeatmapHttpQuery, @Res() res: GatewayResponse): Promise<void> {
    const report = await this.rpc.call(StatisticsHeatmap, q);
    await send(res, format, report, [report], `heatmap-${q.from}-${q.to}`);
  }

  @Get('turnover')
  @ApiOperation({ summary: 'Collection turnover (checkouts ÷ items held) by item type and owning branch' })
  @ApiProduces('application/json', CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE)
  @ApiOkResponse({ description: 'ReportTable' })
  async turnover(@Query() { format, ...q }: RangeHttpQuery, @Res() res: GatewayResponse): Promise<void> {
    const table = await this.rpc.call(StatisticsTurnover, q);
    await send(res, format, table, [table], `turnover-${q.from}-${q.to}`);
  }

  @Get('patrons')
  @ApiOperation({ summary: 'Active and new patrons by home agency and patron type' })
  @ApiProduces('application/json', CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE)
  @ApiOkResponse({ description: 'ReportTable' })
  async patrons(@Query() { format, ...q }: RangeHttpQuery, @Res() res: GatewayResponse): Promise<void> {
    const table = await this.rpc.call(StatisticsPatrons, q);
    await send(res, format, table, [table], `patrons-${q.from}-${q.to}`);
  }

  @Get('annual')
  @ApiOperation({ summary: 'The annual report table, evaluation indicators (评估定级) and loans per branch of a year' })
  @ApiProduces('application/json', CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE)
  @ApiOkResponse({ description: 'AnnualReport' })
  async annual(@Query() { format, ...q }: AnnualHttpQuery, @Res() res: GatewayResponse): Promise<void> {
    const report = await this.rpc.call(StatisticsAnnualReport, q);
    await send(res, format, report, [report.table, report.indicators, report.branches], `annual-report-${q.year}`);
  }

  @Post('backfill')
  @HttpCode(HttpStatus.OK)
  @RequireRole('ops')
  @ApiOperation({ summary: 'Rebuild statistics from the loans history (idempotent; ops key)' })
  @ApiOkResponse({ description: 'BackfillReport' })
  backfill(@Body() dto: BackfillDto): Promise<BackfillReport> {
    return this.rpc.call(StatisticsBackfill, dto, { timeoutMs: 600_000 });
  }
}

async function send(
  res: GatewayResponse,
  format: ExportFormat | undefined,
  json: unknown,
  tables: ReportTable[],
  filename: string,
): Promise<void> {
  if (format === 'csv' || format === 'xlsx') {
    const body = format === 'csv' ? Buffer.from(toCsv(tables), 'utf8') : await toXlsx(tables);
    res.setHeader('content-type', format === 'csv' ? CSV_CONTENT_TYPE : XLSX_CONTENT_TYPE);
    res.setHeader('content-disposition', `attachment; filename="${filename}.${format}"`);
    res.status(200).end(body);
    return;
  }
  res.status(200).json(json);
}
