import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { createLogger, ServiceCoreModule } from '@app/common';
import { CIRCULATION_BACKEND } from './backend/circulation-backend';
import { FEES_PORT, NatsFeesPort } from './backend/fees.port';
import { HOLDS_PORT, NatsHoldsPort } from './backend/holds.port';
import { NatsCirculationBackend } from './backend/nats-circulation.backend';
import { Sip2WriterService } from './backend/sip2-writer.service';
import { Sip2EnvDto } from './config/sip2-env.dto';
import { Sip2MetricsController } from './controllers/sip2-metrics.controller';
import { Sip2TerminalsController } from './controllers/sip2-terminals.controller';
import { Sip2TerminalEntity } from './entities/sip2-terminal.entity';
import { Sip2MetricsService } from './metrics/sip2-metrics.service';
import { CreateSip2Schema1764316800000 } from './migrations/1764316800000-create-sip2-schema';
import { TerminalProfiles1764800000000 } from './migrations/1764800000000-terminal-profiles';
import { Sip2TerminalRepository } from './repositories/sip2-terminal.repository';
import { SIP2_LOGGER, Sip2ListenerService } from './server/sip2-listener.service';
import { Sip2ListenerStatus } from './server/sip2-listener-status';
import { TerminalAccountsService } from './services/terminal-accounts.service';

const entities = [Sip2TerminalEntity];
export const SIP2_MIGRATIONS = [CreateSip2Schema1764316800000, TerminalProfiles1764800000000];

/**
 * SIP2 adapter: terminal accounts over NATS, and TCP + TLS listeners that translate SIP2 2.00 into
 * patrons/catalog/loans requests (holds and fines through the loans service's subjects too). Health
 * includes one check per listener.
 */
@Module({})
export class Sip2Module {
  static register(env: Sip2EnvDto): DynamicModule {
    const listeners = new Sip2ListenerStatus();
    return {
      module: Sip2Module,
      imports: [
        ServiceCoreModule.forRoot({
          name: 'sip2',
          env,
          envClass: Sip2EnvDto,
          schema: 'sip2',
          entities,
          migrations: SIP2_MIGRATIONS,
          healthChecks: { 'sip2-tcp': () => listeners.check('tcp'), 'sip2-tls': () => listeners.check('tls') },
        }),
        TypeOrmModule.forFeature(entities),
      ],
      controllers: [Sip2TerminalsController, Sip2MetricsController],
      providers: [
        { provide: Sip2ListenerStatus, useValue: listeners },
        { provide: SIP2_LOGGER, useFactory: () => createLogger('sip2', env.LOG_LEVEL) },
        { provide: CIRCULATION_BACKEND, useClass: NatsCirculationBackend },
        { provide: HOLDS_PORT, useClass: NatsHoldsPort },
        { provide: FEES_PORT, useClass: NatsFeesPort },
        Sip2WriterService,
        Sip2TerminalRepository,
        TerminalAccountsService,
        Sip2MetricsService,
        Sip2ListenerService,
      ],
    };
  }
}
