import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { EventConsumerService } from '@app/common';
import { EnvelopeOf, ItemCirculationState, ItemCreated, ItemStatus, ItemType, ItemUpdated } from '@app/contracts';
import { ItemProjectionRepository } from './item-projection.repository';

const EVENTS = [ItemCreated, ItemUpdated];
type CatalogItemEvent = EnvelopeOf<(typeof EVENTS)[number]>;

/** Largest batch of item events upserted in one statement. */
const MAX_BATCH = 500;

/**
 * Feeds the item projection from the catalog's item events (durable, shared by loans replicas). Every
 * event is an item's whole circulation state with its version, so batches, redelivery and reordering
 * end in the newest state.
 */
@Injectable()
export class CatalogItemEventsConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumer: EventConsumerService,
    private readonly projection: ItemProjectionRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.consume({
      durable: 'loans-item-projection',
      filterSubject: 'events.catalog.>',
      events: EVENTS,
      batchHandler: (events) => this.handleBatch(events),
      maxBatch: MAX_BATCH,
    });
  }

  async handleBatch(events: CatalogItemEvent[]): Promise<void> {
    await this.projection.upsert(events.map(stateOf).filter((s): s is ItemCirculationState => s !== null));
  }
}

/** The state an item event carries; null for events written before they carried the projection's fields. */
export function stateOf(event: CatalogItemEvent): ItemCirculationState | null {
  const d = event.data;
  if (d.version === undefined || !d.recordId || d.title === undefined || d.loanable === undefined) return null;
  if (!d.itemType || !d.homeBranch) return null;
  return {
    itemId: d.itemId,
    agency: d.agency,
    barcode: d.barcode,
    recordId: d.recordId,
    title: d.title,
    itemType: d.itemType as ItemType,
    homeBranch: d.homeBranch,
    status: d.status as ItemStatus,
    loanable: d.loanable,
    version: d.version,
  };
}
