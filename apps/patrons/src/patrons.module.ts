import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SecretHasher, ServiceCoreModule, VerifiedSecretCache } from '@app/common';
import { PatronsEnvDto } from './config/patrons-env.dto';
import { PatronsController } from './controllers/patrons.controller';
import { PartnerCardsService } from './services/partner-cards.service';
import { PatronEntity } from './entities/patron.entity';
import { CreatePatronsSchema1764230400000 } from './migrations/1764230400000-create-patrons-schema';
import { PinFailuresByOrigin1764403200000 } from './migrations/1764403200000-pin-failures-by-origin';
import { PatronRepository } from './repositories/patron.repository';
import { LibraryClock } from '@app/time';
import { PatronService } from './services/patron.service';
import { PinVerificationService } from './services/pin-verification.service';

const entities = [PatronEntity];
export const PATRONS_MIGRATIONS = [CreatePatronsSchema1764230400000, PinFailuresByOrigin1764403200000];

@Module({})
export class PatronsModule {
  static register(env: PatronsEnvDto): DynamicModule {
    return {
      module: PatronsModule,
      imports: [
        ServiceCoreModule.forRoot({
          name: 'patrons',
          env,
          envClass: PatronsEnvDto,
          schema: 'patrons',
          entities,
          migrations: PATRONS_MIGRATIONS,
        }),
        TypeOrmModule.forFeature(entities),
      ],
      controllers: [PatronsController],
      providers: [
        PartnerCardsService,
        PatronRepository,
        PatronService,
        PinVerificationService,
        { provide: SecretHasher, useValue: new SecretHasher() },
        { provide: VerifiedSecretCache, useValue: new VerifiedSecretCache(env.PATRON_PIN_CACHE_TTL_SECONDS * 1000) },
        { provide: LibraryClock, useValue: new LibraryClock(env.LIBRARY_TIMEZONE) },
      ],
    };
  }
}
