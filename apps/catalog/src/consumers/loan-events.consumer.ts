import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EventConsumerService } from '@app/common';
import {
  EnvelopeOf,
  ItemStatus,
  ItemStatusChanged,
  LoanClaimedReturned,
  LoanClosed,
  LoanCreated,
  LoanLost,
  LostItemFound,
} from '@app/contracts';
import { ItemRepository } from '../repositories/item.repository';
import { ItemStatusChange } from '../services/item-status-changes';
import { ItemService } from '../services/item.service';

/** Largest batch of loan events applied in one statement. */
const MAX_BATCH = 200;

/** Item states decided by the loans service for lost / claimed-returned loans; a found item is where it was scanned. */
const LOST_ITEM_STATUS: Record<string, ItemStatus> = {
  [LoanLost.subject]: 'lost',
  [LoanClaimedReturned.subject]: 'claimed_returned',
  [LostItemFound.subject]: 'available',
};

/** The events this consumer applies. */
const EVENTS = [LoanCreated, LoanClosed, ItemStatusChanged, LoanLost, LoanClaimedReturned, LostItemFound];
export type LoanStatusEvent = EnvelopeOf<(typeof EVENTS)[number]>;

/**
 * Keeps each item's circulation status and location in step with the loans service (eventually
 * consistent): on_loan / available from loan events; in_transit, on_hold_shelf and available-at-a-
 * location from item-status-changed (return anywhere, holds). Every change carries its time and an
 * older one never overwrites a newer one, so redelivery and reordering are harmless. Events that arrive
 * together are applied in one statement (`handleBatch`), a lone event with the single-row update.
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
      events: EVENTS,
      batchHandler: (events) => this.handleBatch(events),
      maxBatch: MAX_BATCH,
    });
  }

  /** Events in delivery order: the same result as `handle` on each in turn, in one statement. */
  async handleBatch(events: LoanStatusEvent[]): Promise<void> {
    if (events.length === 1) return this.handle(events[0]);
    const applied = await this.items.applyStatusChanges(events.map(statusChangeOf));
    await this.items.announceLendability(events.filter((e) => LOST_ITEM_STATUS[e.type]).map((e) => e.data.item));
    if (applied < events.length)
      this.logger.debug(
        `${applied} items changed by ${events.length} events (${events[0].id}…); the rest stale, superseded or unknown items`,
      );
  }

  async handle(event: LoanStatusEvent): Promise<void> {
    const at = new Date(event.occurredAt);
    let applied: boolean;
    if (event.type === ItemStatusChanged.subject) {
      const { item, status, location } = event.data;
      applied = await this.itemRows.applyStatusIfNewer(item.agency, item.barcode, status, at, location);
    } else if (LOST_ITEM_STATUS[event.type]) {
      const { item, branch } = event.data;
      const found = event.type === LostItemFound.subject;
      applied = await this.itemRows.applyStatusIfNewer(
        item.agency,
        item.barcode,
        LOST_ITEM_STATUS[event.type],
        at,
        found ? branch : undefined,
      );
      await this.items.announceLendability([item]);
    } else {
      const { item, branch } = event.data;
      const onLoan = event.type === LoanCreated.subject;
      applied = await this.items.applyLoanState(item.agency, item.barcode, onLoan, at, onLoan ? undefined : branch);
    }
    if (!applied) this.logger.debug(`ignored stale or unknown-item event ${event.id}`);
  }
}

/** The item status change an event describes; the same decisions as `LoanEventsConsumer.handle`. */
export function statusChangeOf(event: LoanStatusEvent): ItemStatusChange {
  const at = new Date(event.occurredAt);
  if (event.type === ItemStatusChanged.subject) {
    const { item, status, location } = event.data;
    return { agency: item.agency, barcode: item.barcode, status, at, location };
  }
  if (LOST_ITEM_STATUS[event.type]) {
    const { item, branch } = event.data;
    const found = event.type === LostItemFound.subject;
    return {
      agency: item.agency,
      barcode: item.barcode,
      status: LOST_ITEM_STATUS[event.type],
      at,
      location: found ? branch : undefined,
    };
  }
  const { item, branch } = event.data;
  const onLoan = event.type === LoanCreated.subject;
  return {
    agency: item.agency,
    barcode: item.barcode,
    status: onLoan ? 'on_loan' : 'available',
    at,
    location: onLoan ? undefined : branch,
  };
}
