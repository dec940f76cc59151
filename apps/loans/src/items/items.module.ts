import { Module } from '@nestjs/common';
import { CatalogItemEventsConsumer } from './catalog-item-events.consumer';
import { ItemDirectory } from './item-directory.service';
import { ItemProjectionBackfill } from './item-projection-backfill.service';
import { ItemProjectionRepository } from './item-projection.repository';

/**
 * The item projection (loans.items): what circulation needs of each catalog item, kept by the catalog's
 * item events and a backfill over NATS, so checkout and checkin read it without a catalog request
 * (docs/circulation.md, "The item projection"). Exports only the read side.
 */
@Module({
  providers: [ItemProjectionRepository, ItemDirectory, CatalogItemEventsConsumer, ItemProjectionBackfill],
  exports: [ItemDirectory],
})
export class ItemsModule {}
