import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Handles } from '@app/common';
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
  StatisticsAnnualReport,
  StatisticsBackfill,
  StatisticsCirculationReport,
  StatisticsHeatmap,
  StatisticsPatrons,
  StatisticsTurnover,
} from '@app/contracts';
import { BackfillService } from '../services/backfill.service';
import { ReportsService } from '../services/reports.service';

@Controller()
export class StatisticsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly backfillService: BackfillService,
  ) {}

  @Handles(StatisticsCirculationReport)
  circulation(@Payload() dto: CirculationReportQueryDto): Promise<ReportTable> {
    return this.reports.circulation(dto);
  }

  @Handles(StatisticsHeatmap)
  heatmap(@Payload() dto: HeatmapQueryDto): Promise<HeatmapReport> {
    return this.reports.heatmap(dto);
  }

  @Handles(StatisticsTurnover)
  turnover(@Payload() dto: DateRangeQueryDto): Promise<ReportTable> {
    return this.reports.turnover(dto);
  }

  @Handles(StatisticsPatrons)
  patrons(@Payload() dto: DateRangeQueryDto): Promise<ReportTable> {
    return this.reports.patrons(dto);
  }

  @Handles(StatisticsAnnualReport)
  annual(@Payload() dto: AnnualReportQueryDto): Promise<AnnualReport> {
    return this.reports.annual(dto.year);
  }

  @Handles(StatisticsBackfill)
  backfill(@Payload() dto: BackfillDto): Promise<BackfillReport> {
    return this.backfillService.run(dto);
  }
}
