/** NATS subjects served by the statistics service (reports over its own rollups; docs/operations.md). */
export const StatisticsSubjects = {
  /** CirculationReportQueryDto → ReportTable: counts by local day × branch × channel × action */
  circulation: 'statistics.reports.circulation.v1',
  /** HeatmapQueryDto → HeatmapReport: counts by ISO weekday × local hour */
  heatmap: 'statistics.reports.heatmap.v1',
  /** DateRangeQueryDto → ReportTable: checkouts ÷ holdings by item type and owning branch */
  turnover: 'statistics.reports.turnover.v1',
  /** DateRangeQueryDto → ReportTable: active and new patrons by home agency and patron type */
  patrons: 'statistics.reports.patrons.v1',
  /** AnnualReportQueryDto → AnnualReport: the annual report table and the evaluation indicators */
  annual: 'statistics.reports.annual.v1',
  /** BackfillDto → BackfillReport: rebuild circulation rows from the loans history (idempotent) */
  backfill: 'statistics.backfill.v1',
} as const;

/** Paged loans history for the statistics backfill (served by loans, read over NATS). */
export const LoanHistorySubjects = {
  /** LoanHistoryQueryDto → LoanHistoryPage */
  history: 'loans.history.v1',
} as const;
