import { Injectable, Logger } from '@nestjs/common';
import { NatsRpcClient } from '@app/common';
import { BackfillDto, BackfillReport, LoanHistoryRow, LoansHistory } from '@app/contracts';
import { StatisticsEnvDto } from '../config/statistics-env.dto';
import { StatisticsRepository } from '../repositories/statistics.repository';
import { ActionRow, partnerRowOf, PatronPseudonymizer, statisticsChannel, UNKNOWN } from './action-mapper';
import { BranchDirectoryService } from './branch-directory.service';

const PAGE = 1000;

/**
 * Rebuilds circulation rows from the loans history, read page by page over NATS (`loans.history.v1`;
 * never the loans tables). Each loan gives its checkout, its return and its renewals with the same
 * natural keys the live events have, so running it beside the event feed, or twice, counts nothing
 * twice. Renewals before the last one are dated at the last renewal (loans keeps only that time).
 */
@Injectable()
export class BackfillService {
  private readonly logger = new Logger(BackfillService.name);
  private readonly patrons: PatronPseudonymizer;

  constructor(
    private readonly rpc: NatsRpcClient,
    private readonly repo: StatisticsRepository,
    private readonly branches: BranchDirectoryService,
    private readonly env: StatisticsEnvDto,
  ) {
    this.patrons = new PatronPseudonymizer(env.STATS_PATRON_HASH_KEY);
  }

  async run(dto: BackfillDto): Promise<BackfillReport> {
    const report: BackfillReport = { loansRead: 0, rowsInserted: 0, pages: 0 };
    let after: string | undefined;
    for (;;) {
      const page = await this.rpc.call(LoansHistory, { after, since: dto.since, limit: PAGE }, { timeoutMs: 30_000 });
      report.pages++;
      report.loansRead += page.items.length;
      if (page.items.length > 0) {
        // history is older than the directory: unknown branches stay unknown without a refresh each page
        const kindOf = await this.branches.ready([]);
        const rows = page.items.flatMap((l) => rowsOfLoan(l, kindOf, this.patrons, this.env.LIBRARY_ISIL));
        report.rowsInserted += await this.repo.record(rows, this.env.LIBRARY_TIMEZONE);
      }
      if (!page.next) break;
      after = page.next;
    }
    this.logger.log(`backfill: ${report.loansRead} loans read, ${report.rowsInserted} rows added`);
    return report;
  }
}

export function rowsOfLoan(
  l: LoanHistoryRow,
  kindOf: (code: string) => import('@app/contracts').BranchKind | undefined,
  patrons: PatronPseudonymizer,
  ownAgency: string,
): ActionRow[] {
  const common = {
    eventId: null,
    itemAgency: l.item.agency,
    owningBranch: l.owningBranch ?? UNKNOWN,
    itemType: l.itemType ?? UNKNOWN,
    patronAgency: l.patron.agency,
    patronType: l.patronType ?? UNKNOWN,
    patronHash: patrons.hash(l.patron.agency, l.patron.barcode),
    loanId: l.loanId,
    source: 'backfill' as const,
  };
  const rows: ActionRow[] = [
    {
      ...common,
      key: `checkout:${l.loanId}`,
      action: 'checkout',
      occurredAt: l.checkedOutAt,
      branch: l.checkoutBranch,
      channel: statisticsChannel(l.channel, kindOf(l.checkoutBranch)),
      rawChannel: l.channel,
    },
  ];
  const partner = partnerRowOf(rows[0], ownAgency, l.patron.barcode);
  if (partner) rows.push(partner);
  for (let n = 1; n <= l.renewals; n++) {
    rows.push({
      ...common,
      key: `renew:${l.loanId}:${n}`,
      action: 'renew',
      occurredAt: l.lastRenewedAt ?? l.checkedOutAt,
      branch: l.checkoutBranch,
      channel: statisticsChannel(l.channel, kindOf(l.checkoutBranch)),
      rawChannel: l.channel,
    });
  }
  if (l.returnedAt && l.returnBranch) {
    rows.push({
      ...common,
      key: `checkin:${l.loanId}`,
      action: 'checkin',
      occurredAt: l.returnedAt,
      branch: l.returnBranch,
      channel: statisticsChannel(l.returnChannel, kindOf(l.returnBranch)),
      rawChannel: l.returnChannel,
    });
  }
  return rows;
}
