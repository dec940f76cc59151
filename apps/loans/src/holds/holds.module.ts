import { Module } from '@nestjs/common';
import { CalendarModule } from '../calendar/calendar.module';
import { RulesModule } from '../rules/rules.module';
import { SharedModule } from '../shared/shared.module';
import { TransitModule } from '../transit/transit.module';
import { CancelHoldUseCase } from './cancel-hold.usecase';
import { CatalogHoldingsClient } from './catalog-holdings.client';
import { HoldCirculationService } from './hold-circulation.service';
import { HoldExpiryJob } from './hold-expiry.job';
import { HoldQueryService } from './hold-query.service';
import { HoldReleaseService } from './hold-release.service';
import { HoldRepository } from './hold.repository';
import { HoldsController } from './holds.controller';
import { ItemRoutingService } from './item-routing.service';
import { PickupLocationsService } from './pickup-locations.service';
import { PlaceHoldUseCase } from './place-hold.usecase';

/**
 * Holds: placing, cancelling, expiry, pick lists, and where a scanned copy goes next (ItemRoutingService:
 * trap it for a hold, or send it home through transit). Circulation uses the exports on checkout,
 * renewal and checkin.
 */
@Module({
  imports: [SharedModule, CalendarModule, RulesModule, TransitModule],
  controllers: [HoldsController],
  providers: [
    HoldRepository,
    ItemRoutingService,
    HoldCirculationService,
    HoldReleaseService,
    PickupLocationsService,
    CatalogHoldingsClient,
    PlaceHoldUseCase,
    CancelHoldUseCase,
    HoldQueryService,
    HoldExpiryJob,
  ],
  exports: [HoldCirculationService, ItemRoutingService],
})
export class HoldsModule {}
