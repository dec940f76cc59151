import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AnnualReport,
  AnnualReportQueryDto,
  BackfillDto,
  BackfillReport,
  CirculationReportQueryDto,
  DateRangeQueryDto,
  HeatmapQueryDto,
  HeatmapReport,
  ReportTable,
  StatisticsSubjects,
} from '@app/contracts';
import { BackfillService } from '../services/backfill.service';
import { ReportsService } from '../services/reports.service';

@Controller()
export class StatisticsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly backfillService: BackfillService,
  ) {}

  @MessagePattern(StatisticsSubjects.circulation)
  circulation(@Payload() dto: CirculationReportQueryDto): Promise<ReportTable> {
    return this.reports.circulation(dto);
  }

  @MessagePattern(StatisticsSubjects.heatmap)
  heatmap(@Payload() dto: HeatmapQueryDto): Promise<HeatmapReport> {
    return this.reports.heatmap(dto);
  }

  @MessagePattern(StatisticsSubjects.turnover)
  turnover(@Payload() dto: DateRangeQueryDto): Promise<ReportTable> {
    return this.reports.turnover(dto);
  }

  @MessagePattern(StatisticsSubjects.patrons)
  patrons(@Payload() dto: DateRangeQueryDto): Promise<ReportTable> {
    return this.reports.patrons(dto);
  }

  @MessagePattern(StatisticsSubjects.annual)
  annual(@Payload() dto: AnnualReportQueryDto): Promise<AnnualReport> {
    return this.reports.annual(dto.year);
  }

  @MessagePattern(StatisticsSubjects.backfill)
  backfill(@Payload() dto: BackfillDto): Promise<BackfillReport> {
    return this.backfillService.run(dto);
  }
}
