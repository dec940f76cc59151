import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { EventConsumerService } from '@app/common';
import { EventEnvelope, ItemCreated, ItemEventData, ItemUpdated } from '@app/contracts';
import { StatisticsEnvDto } from '../config/statistics-env.dto';
import { ItemHolding, StatisticsRepository } from '../repositories/statistics.repository';
import { actionsOf, COUNTED_SUBJECTS, PatronPseudonymizer } from '../services/action-mapper';
import { BranchDirectoryService } from '../services/branch-directory.service';

const ITEM_SUBJECTS: string[] = [ItemCreated.subject, ItemUpdated.subject];

/**
 * Fed by the JetStream events only: every counted action becomes one row (see action-mapper), catalog
 * item events keep the holdings used for turnover. Batches of whatever has arrived are written in one
 * statement; replays and redeliveries are ignored by the rows' natural keys.
 */
@Injectable()
export class CirculationEventsConsumer implements OnApplicationBootstrap {
  private readonly patrons: PatronPseudonymizer;

  constructor(
    private readonly consumer: EventConsumerService,
    private readonly repo: StatisticsRepository,
    private readonly branches: BranchDirectoryService,
    private readonly env: StatisticsEnvDto,
  ) {
    this.patrons = new PatronPseudonymizer(env.STATS_PATRON_HASH_KEY);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.consume({
      durable: 'statistics',
      filterSubject: 'events.>',
      subjects: [...Object.keys(COUNTED_SUBJECTS), ...ITEM_SUBJECTS],
      batchHandler: (events) => this.handleBatch(events),
      maxBatch: 500,
    });
  }

  async handleBatch(events: EventEnvelope[]): Promise<void> {
    const counted = events.filter((e) => COUNTED_SUBJECTS[e.type]);
    if (counted.length > 0) {
      const kindOf = await this.branches.ready(
        counted
          .map((e) => ({
            branch: (e.data as { branch?: string }).branch ?? (e.data as { pickupBranch?: string }).pickupBranch ?? '',
            occurredAt: e.occurredAt,
          }))
          .filter((r) => r.branch),
      );
      const rows = counted.flatMap((e) => actionsOf(e, kindOf, this.patrons, this.env.LIBRARY_ISIL));
      await this.repo.record(rows, this.env.LIBRARY_TIMEZONE);
    }
    const items = events
      .filter((e) => ITEM_SUBJECTS.includes(e.type))
      .flatMap((e): ItemHolding[] => {
        const d = e.data as ItemEventData;
        if (!d.itemType || !d.homeBranch) return [];
        return [
          {
            agency: d.agency,
            barcode: d.barcode,
            itemType: d.itemType,
            homeBranch: d.homeBranch,
            withdrawn: d.status === 'withdrawn',
            changedAt: e.occurredAt,
          },
        ];
      });
    await this.repo.upsertItems(items);
  }
}
