import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { EventConsumerService } from '@app/common';
import { EventEnvelope, EventSubjects, LoanEventData } from '@app/contracts';
import { FederationEnvDto } from '../config/federation-env.dto';
import { PartnerReportService } from '../partner-readers/partner-report.service';
import { IllExchangeService } from '../requests/ill-exchange.service';
import { IllRequestService } from '../requests/ill-request.service';

/** The library patron a partner borrows through (created by RequestItem): `ILL-<partner ISIL>`. */
export const ILL_PATRON_PREFIX = 'ILL-';

/**
 * Moves interlibrary requests on from circulation: a partner's temporary copy lent to our reader is
 * `loaned`, its return `returned`; our copy checked out to a partner library is `shipped`, its return
 * `returned`; partner readers' loans and returns here are reported to their home library. Events about our own items and readers (nearly all) are dropped without a query, and
 * events are taken in batches, so the checkout path pays one delivery per batch, not a lookup per loan.
 */
@Injectable()
export class IllLoanEventsConsumer implements OnApplicationBootstrap {
  private readonly logger = new Logger(IllLoanEventsConsumer.name);

  constructor(
    private readonly consumer: EventConsumerService,
    private readonly requests: IllRequestService,
    private readonly env: FederationEnvDto,
    private readonly reports: PartnerReportService,
    private readonly exchange: IllExchangeService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.consume({
      durable: 'federation-ill-loans',
      filterSubject: 'events.loans.>',
      subjects: [EventSubjects.loanCreated, EventSubjects.loanClosed],
      batchHandler: (events) => this.handleBatch(events),
      maxBatch: 500,
    });
  }

  async handleBatch(events: EventEnvelope[]): Promise<void> {
    for (const e of events) {
      const d = e.data as LoanEventData;
      const borrowed = d.item.agency !== this.env.LIBRARY_ISIL;
      const lent = d.patron.barcode.startsWith(ILL_PATRON_PREFIX);
      if (borrowed || lent) await this.handle(e.type, d, borrowed);
      // a partner's reader borrowed or returned here: tell their home library
      else if (d.patron.agency !== this.env.LIBRARY_ISIL) await this.reports.report(e.type, d);
    }
  }

  private async handle(type: string, d: LoanEventData, borrowed: boolean): Promise<void> {
    const created = type === EventSubjects.loanCreated;
    let id: string | undefined;
    if (borrowed || !created) {
      id = (await this.requests.findOpenByItem(d.item.agency, d.item.barcode))?.id;
    } else {
      // our copy checked out to a partner library: the oldest open lending request of that partner for it (or its title)
      const partner = d.patron.barcode.slice(ILL_PATRON_PREFIX.length);
      const [row] = await this.db.query(
        `SELECT r.id FROM federation.ill_requests r WHERE r.direction = 'lending' AND r.partner = $1 AND r.state IN ('requested','supplier_confirmed')
           AND (r.item_barcode IS NULL OR (r.item_agency = $2 AND r.item_barcode = $3)) ORDER BY (r.item_barcode IS NULL), r.created_at LIMIT 1`,
        [partner, d.item.agency, d.item.barcode],
      );
      id = row?.id;
    }
    if (!id) return;
    const to = created ? (borrowed ? 'loaned' : 'shipped') : 'returned';
    const moved = await this.requests
      .transition(id, to, 'circulation', `${created ? 'checked out' : 'checked in'} at ${d.branch}`, {
        item: d.item,
        dueAt: created ? d.dueAt : null,
      })
      .catch((err: Error) => {
        this.logger.warn(`interlibrary request ${id} not moved to ${to}: ${err.message}`);
        return null;
      });
    if (!moved || moved.direction !== 'lending') return;
    if (to === 'shipped') await this.exchange.lendingShipped(moved);
    else if (to === 'returned') await this.exchange.lendingReturned(moved);
  }
}
