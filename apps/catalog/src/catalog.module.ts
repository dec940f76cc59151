import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ServiceCoreModule } from '@app/common';
import { CatalogEnvDto } from './config/catalog-env.dto';
import { LoanEventsConsumer } from './consumers/loan-events.consumer';
import { CatalogController } from './controllers/catalog.controller';
import { AgencyEntity } from './entities/agency.entity';
import { BibRecordEntity } from './entities/bib-record.entity';
import { BranchEntity } from './entities/branch.entity';
import { ItemEntity } from './entities/item.entity';
import { CreateCatalogSchema1764057600000 } from './migrations/1764057600000-create-catalog-schema';
import { ItemVersion1764900000000 } from './migrations/1764900000000-item-version';
import { SuppressedItems1765200000000 } from './migrations/1765200000000-suppressed-items';
import { ItemRepository } from './repositories/item.repository';
import { LocationRepository } from './repositories/location.repository';
import { RecordRepository } from './repositories/record.repository';
import { ItemService } from './services/item.service';
import { LocationService } from './services/location.service';
import { RecordService } from './services/record.service';

const entities = [AgencyEntity, BranchEntity, BibRecordEntity, ItemEntity];
export const CATALOG_MIGRATIONS = [
  CreateCatalogSchema1764057600000,
  ItemVersion1764900000000,
  SuppressedItems1765200000000,
];

@Module({})
export class CatalogModule {
  static register(env: CatalogEnvDto): DynamicModule {
    return {
      module: CatalogModule,
      imports: [
        ServiceCoreModule.forRoot({
          name: 'catalog',
          env,
          envClass: CatalogEnvDto,
          schema: 'catalog',
          entities,
          migrations: CATALOG_MIGRATIONS,
        }),
        TypeOrmModule.forFeature(entities),
      ],
      controllers: [CatalogController],
      providers: [
        LocationRepository,
        RecordRepository,
        ItemRepository,
        LocationService,
        RecordService,
        ItemService,
        LoanEventsConsumer,
      ],
    };
  }
}
