import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CacheInvalidationService } from './cache-invalidation.service';
import { CatalogClient } from './catalog.client';
import { CirculationExceptionsRepository } from './circulation-exceptions.repository';
import { IdempotencyService } from './idempotency.service';
import { IdempotencyPrunerService } from './idempotency-pruner.service';
import { OfflinePolicyService } from './offline-policy.service';
import { LoanEntity } from './loan.entity';
import { LoanRepository } from './loan.repository';
import { PatronsClient } from './patrons.client';

/**
 * What every loans feature uses: the loan record (circulation writes it; rules count it, fines and
 * lost items read and close it), the clients to patrons and catalog, and the cross-replica cache
 * invalidation. Imports no feature.
 */
@Module({
  imports: [TypeOrmModule.forFeature([LoanEntity])],
  providers: [
    LoanRepository,
    PatronsClient,
    CatalogClient,
    CacheInvalidationService,
    IdempotencyService,
    CirculationExceptionsRepository,
    OfflinePolicyService,
    IdempotencyPrunerService,
  ],
  exports: [
    LoanRepository,
    PatronsClient,
    CatalogClient,
    CacheInvalidationService,
    IdempotencyService,
    CirculationExceptionsRepository,
    OfflinePolicyService,
  ],
})
export class SharedModule {}
