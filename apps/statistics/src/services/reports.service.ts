import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import {
  AnnualReport,
  CirculationReportQueryDto,
  DateRangeQueryDto,
  ErrorCode,
  HeatmapQueryDto,
  HeatmapReport,
  ReportTable,
} from '@app/contracts';
import { StatisticsEnvDto } from '../config/statistics-env.dto';
import { StatisticsRepository } from '../repositories/statistics.repository';

/** Longest range a report answers (rollups keep a decade cheap; this only bounds mistakes). */
const MAX_RANGE_DAYS = 3700;
const DAY_MS = 86_400_000;

/** Channels counted as outreach service points (馆外流动服务点): 24-hour libraries and lockers. */
export const OUTREACH_CHANNELS = ['24h', 'locker'];

/** Reports over the rollups (never the raw rows for large ranges), each as a table that exports as is. */
@Injectable()
export class ReportsService {
  constructor(
    private readonly repo: StatisticsRepository,
    private readonly env: StatisticsEnvDto,
  ) {}

  async circulation(q: CirculationReportQueryDto): Promise<ReportTable> {
    checkRange(q);
    const rows = await this.repo.circulation(q.from, q.to, q.branch, q.action);
    return {
      title: `Circulation by day, branch and channel, ${q.from} to ${q.to}`,
      columns: [
        { key: 'date', label: 'date' },
        { key: 'branch', label: 'branch' },
        { key: 'channel', label: 'channel' },
        { key: 'action', label: 'action' },
        { key: 'count', label: 'count' },
      ],
      rows,
    };
  }

  async heatmap(q: HeatmapQueryDto): Promise<HeatmapReport> {
    checkRange(q);
    const action = q.action ?? 'checkout';
    const counts = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
    for (const r of await this.repo.heatmap(q.from, q.to, action, q.branch)) counts[r.dow - 1][r.hour] = r.count;
    const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
    return {
      title: `${action} by weekday and hour${q.branch ? ` at ${q.branch}` : ''}, ${q.from} to ${q.to}`,
      columns: [
        { key: 'weekday', label: 'weekday' },
        ...Array.from({ length: 24 }, (_, h) => ({ key: `h${h}`, label: `${String(h).padStart(2, '0')}:00` })),
      ],
      rows: counts.map((hours, d) => ({ weekday: days[d], ...Object.fromEntries(hours.map((n, h) => [`h${h}`, n])) })),
      counts,
      total: counts.flat().reduce((a, b) => a + b, 0),
    };
  }

  async turnover(q: DateRangeQueryDto): Promise<ReportTable> {
    checkRange(q);
    const rows = await this.repo.turnover(q.from, q.to);
    return {
      title: `Collection turnover (checkouts ÷ items held) by item type and owning branch, ${q.from} to ${q.to}`,
      columns: [
        { key: 'branch', label: 'owning branch' },
        { key: 'itemType', label: 'item type' },
        { key: 'loans', label: 'checkouts' },
        { key: 'holdings', label: 'items held' },
        { key: 'turnover', label: 'turnover' },
      ],
      rows: rows.map((r) => ({ ...r, turnover: r.holdings > 0 ? round2(r.loans / r.holdings) : null })),
    };
  }

  async patrons(q: DateRangeQueryDto): Promise<ReportTable> {
    checkRange(q);
    const rows = await this.repo.patrons(q.from, q.to);
    return {
      title: `Active and new patrons by home agency and patron type, ${q.from} to ${q.to}`,
      columns: [
        { key: 'agency', label: 'home agency' },
        { key: 'patronType', label: 'patron type' },
        { key: 'active', label: 'active patrons (borrowed at least once)' },
        { key: 'borrowingVisits', label: 'borrowing visits' },
        { key: 'newPatrons', label: 'new patrons (cards issued)' },
      ],
      rows,
    };
  }

  /** The annual report in the seed's shape and the evaluation indicators (docs/operations.md defines each). */
  async annual(year: number): Promise<AnnualReport> {
    const from = `${year}-01-01`;
    const to = `${year}-12-31`;
    const [totals, branches, people] = await Promise.all([
      this.repo.totals(from, to),
      this.repo.loansByBranch(from, to),
      this.repo.visitsAndUsers(from, to),
    ]);
    const total = (field: 'count' | 'items' | 'amountFen', action: string, channels?: string[]) =>
      totals
        .filter((t) => t.action === action && (!channels || channels.includes(t.channel)))
        .reduce((a, t) => a + Number(t[field]), 0);
    const sum = (action: string, channels?: string[]) => total('count', action, channels);
    const o2oLoans = total('items', 'o2o_collected');
    const checkouts = sum('checkout');
    const checkins = sum('checkin');
    const outreach = sum('checkout', OUTREACH_CHANNELS);
    const perResident = round2(checkouts / this.env.STATS_POPULATION);
    const cols = [
      { key: 'indicator', label: 'indicator' },
      { key: 'value', label: 'value' },
      { key: 'note', label: 'note' },
    ];
    const table: ReportTable = {
      title: `Annual report ${year}`,
      columns: cols,
      rows: [
        { indicator: '办证量 cards issued', value: sum('card_issued'), note: 'new patron records' },
        {
          indicator: '借还量 checkouts and returns',
          value: checkouts + checkins,
          note: `${checkouts} checkouts + ${checkins} returns`,
        },
        { indicator: '外借量 loans', value: checkouts, note: `renewals not included (${sum('renew')} renewals)` },
        {
          indicator: '到馆人次 reader visits',
          value: null,
          note: 'not measured by the circulation system (gate counters)',
        },
        { indicator: '数字资源访问量 digital accesses', value: null, note: 'not measured by the circulation system' },
        {
          indicator: '24小时图书馆借阅量 24-hour library loans',
          value: sum('checkout', ['24h']),
          note: 'checkouts at 24-hour self-service libraries',
        },
        {
          indicator: 'O2O平台用户 O2O users',
          value: people.o2oUsers,
          note: `readers who placed at least one O2O order (${sum('o2o_order')} orders)`,
        },
        {
          indicator: 'O2O平台借阅量 O2O loans',
          value: o2oLoans,
          note: `books lent by O2O parcels collected at a locker (${total('items', 'o2o_collected', ['locker'])}) or delivered home (${total('items', 'o2o_collected', ['o2o'])})`,
        },
        {
          indicator: '馆际互借 partner loans',
          value: sum('partner_loan'),
          note: "partner libraries' readers, our copies lent to partner libraries, partner copies lent to our readers, our readers at partner branches (included in loans)",
        },
        {
          indicator: '罚款收入 fines paid (fen)',
          value: total('amountFen', 'fine_paid'),
          note: `${sum('fine_paid')} payments; ${total('amountFen', 'fine_waived')} fen waived in ${sum('fine_waived')} waivers`,
        },
        {
          indicator: '持证读者借阅人数 active borrowers',
          value: people.activePatrons,
          note: 'readers with at least one checkout',
        },
      ],
    };
    const target = (t: number | undefined) => (t === undefined ? null : t);
    const met = (v: number, t: number | undefined) => (t === undefined ? null : v >= t ? 'yes' : 'no');
    const indicators: ReportTable = {
      title: `Evaluation indicators ${year} (评估定级)`,
      columns: [...cols.slice(0, 2), { key: 'target', label: 'target' }, { key: 'met', label: 'met' }, cols[2]],
      rows: [
        {
          indicator: '年文献外借量 annual loans',
          value: checkouts,
          target: target(this.env.STATS_TARGET_ANNUAL_LOANS),
          met: met(checkouts, this.env.STATS_TARGET_ANNUAL_LOANS),
          note: 'checkouts (册次) from the ILS',
        },
        {
          indicator: '外借人次 borrowing visits',
          value: people.visits,
          target: target(this.env.STATS_TARGET_BORROWING_VISITS),
          met: met(people.visits, this.env.STATS_TARGET_BORROWING_VISITS),
          note: 'reader-days with at least one checkout',
        },
        {
          indicator: '馆外流动服务点借阅册次 outreach loans',
          value: outreach,
          target: target(this.env.STATS_TARGET_OUTREACH_LOANS),
          met: met(outreach, this.env.STATS_TARGET_OUTREACH_LOANS),
          note: 'checkouts at 24-hour libraries and lockers',
        },
        {
          indicator: '县域人均外借量 loans per resident',
          value: perResident,
          target: target(this.env.STATS_TARGET_LOANS_PER_RESIDENT),
          met: met(perResident, this.env.STATS_TARGET_LOANS_PER_RESIDENT),
          note: `annual loans ÷ population ${this.env.STATS_POPULATION}`,
        },
      ],
    };
    return {
      year,
      table,
      indicators,
      branches: {
        title: `Loans per branch ${year}`,
        columns: [
          { key: 'branch', label: 'branch' },
          { key: 'count', label: 'checkouts' },
        ],
        rows: branches,
      },
    };
  }
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function checkRange(q: DateRangeQueryDto): void {
  const from = Date.parse(`${q.from}T00:00:00Z`);
  const to = Date.parse(`${q.to}T00:00:00Z`);
  if (Number.isNaN(from) || Number.isNaN(to))
    throw new DomainError(ErrorCode.ValidationFailed, 'from and to must be real dates', {
      fields: { from: ['not a date'], to: ['not a date'] },
    });
  if (to < from)
    throw new DomainError(ErrorCode.ValidationFailed, 'to is before from', {
      fields: { to: ['must not be before from'] },
    });
  if ((to - from) / DAY_MS > MAX_RANGE_DAYS)
    throw new DomainError(ErrorCode.ValidationFailed, `a report covers at most ${MAX_RANGE_DAYS} days`, {
      fields: { to: ['range too long'] },
    });
}
