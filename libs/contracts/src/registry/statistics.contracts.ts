import { as, rpc } from '../contract';
import {
  AnnualReportQueryDto,
  BackfillDto,
  CirculationReportQueryDto,
  DateRangeQueryDto,
  HeatmapQueryDto,
} from '../statistics/statistics.dto';
import type { AnnualReport, BackfillReport, HeatmapReport, ReportTable } from '../statistics/statistics.dto';

/** statistics service: reports over its own rollups (docs/operations.md, Statistics). */
/** counts by local day × branch × channel × action */
export const StatisticsCirculationReport = rpc(
  'statistics.reports.circulation.v1',
  CirculationReportQueryDto,
  as<ReportTable>(),
);
/** counts by ISO weekday × local hour of one action */
export const StatisticsHeatmap = rpc('statistics.reports.heatmap.v1', HeatmapQueryDto, as<HeatmapReport>());
/** checkouts ÷ items held by item type and owning branch */
export const StatisticsTurnover = rpc('statistics.reports.turnover.v1', DateRangeQueryDto, as<ReportTable>());
/** active and new patrons by home agency and patron type */
export const StatisticsPatrons = rpc('statistics.reports.patrons.v1', DateRangeQueryDto, as<ReportTable>());
/** the annual report table, the evaluation indicators and loans per branch of a year */
export const StatisticsAnnualReport = rpc('statistics.reports.annual.v1', AnnualReportQueryDto, as<AnnualReport>());
/** rebuild circulation rows from the loans history (idempotent) */
export const StatisticsBackfill = rpc('statistics.backfill.v1', BackfillDto, as<BackfillReport>());
