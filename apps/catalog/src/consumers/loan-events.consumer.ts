import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EventConsumerService } from '@app/common';
import { EventEnvelope, EventSubjects, ItemStatus, ItemStatusEventData, LoanEventData, LostItemEventSubjects, TransitEventSubjects } from '@app/contracts';
import { ItemRepository } from '../repositories/item.repository';
import { ItemService } from '../services/item.service';

/** Item states decided by the loans service for lost / claimed-returned loans; a found item is where it was scanned. */
const LOST_ITEM_STATUS: Record<string, ItemStatus> = {
  [LostItemEventSubjects.loanLost]: 'lost',
  [LostItemEventSubjects.loanClaimedReturned]: 'claimed_returned',
  [LostItemEventSubjects.lostItemFound]: 'available',
};

/**
 * Keeps each item's circulation status and location in step with the loans service (eventually
 * consistent): on_loan / available from loan events; in_transit, on_hold_shelf and available-at-a-
 * location from item-status-changed (return anywhere, holds). Every change carries its time and an
 * older one never overwrites a newer one, so redelivery and reordering are harmless.
 */
@Injectable()
export class LoanEventsConsumer implements OnApplicationBootstrap {
  private readonly logger = new Logger(LoanEventsConsumer.name);

  constructor(
    private readonly consumer: EventConsumerService,
    private readonly items: ItemService,
    private readonly itemRows: ItemRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.consume({
      durable: 'catalog-loan-status',
      filterSubject: 'events.loans.>',
      subjects: [EventSubjects.loanCreated, EventSubjects.loanClosed, TransitEventSubjects.itemStatusChanged, ...Object.keys(LOST_ITEM_STATUS)],
      handler: (event) => this.handle(event),
    });
  }

  async handle(event: EventEnvelope): Promise<void> {
    const at = new Date(event.occurredAt);
    let applied: boolean;
    if (event.type === TransitEventSubjects.itemStatusChanged) {
      const { item, status, location } = event.data as ItemStatusEventData;
      applied = await this.itemRows.applyStatusIfNewer(item.agency, item.barcode, status, at, location);
    } else if (LOST_ITEM_STATUS[event.type]) {
      const { item, branch } = event.data as LoanEventData;
      const found = event.type === LostItemEventSubjects.lostItemFound;
      applied = await this.itemRows.applyStatusIfNewer(item.agency, item.barcode, LOST_ITEM_STATUS[event.type], at, found ? branch : undefined);
    } else {
      const { item, branch } = event.data as LoanEventData;
      const onLoan = event.type === EventSubjects.loanCreated;
      applied = await this.items.applyLoanState(item.agency, item.barcode, onLoan, at, onLoan ? undefined : branch);
    }
    if (!applied) this.logger.debug(`ignored stale or unknown-item event ${event.id}`);
  }
}
