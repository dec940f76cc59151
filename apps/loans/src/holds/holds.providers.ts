import { CreateHoldsAndTransits1764500000000 } from '../migrations/1764500000000-create-holds-and-transits';
import { FloatingPolicyService } from '../transit/floating-policy.service';
import { FloatingRuleRepository } from '../transit/floating-rule.repository';
import { ItemRoutingService } from '../transit/item-routing.service';
import { TransitRepository } from '../transit/transit.repository';
import { TransitsController } from '../transit/transits.controller';
import { PickupLocationsService } from './pickup-locations.service';
import { CancelHoldUseCase } from './cancel-hold.usecase';
import { CatalogHoldingsClient } from './catalog-holdings.client';
import { HoldCirculationService } from './hold-circulation.service';
import { HoldExpiryJob } from './hold-expiry.job';
import { HoldQueryService } from './hold-query.service';
import { HoldReleaseService } from './hold-release.service';
import { HoldRepository } from './hold.repository';
import { HoldsController } from './holds.controller';
import { PlaceHoldUseCase } from './place-hold.usecase';

/** Holds and transit (return anywhere), registered in LoansModule: they share its clients and policy. */
export const HOLDS_PROVIDERS = [
  HoldRepository,
  TransitRepository,
  FloatingRuleRepository,
  FloatingPolicyService,
  ItemRoutingService,
  HoldCirculationService,
  HoldReleaseService,
  PickupLocationsService,
  CatalogHoldingsClient,
  PlaceHoldUseCase,
  CancelHoldUseCase,
  HoldQueryService,
  HoldExpiryJob,
];

export const HOLDS_CONTROLLERS = [HoldsController, TransitsController];

export const HOLDS_MIGRATIONS = [CreateHoldsAndTransits1764500000000];
