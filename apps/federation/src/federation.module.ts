import { DynamicModule, Module } from '@nestjs/common';
import { ServiceCoreModule } from '@app/common';
import { FederationEnvDto } from './config/federation-env.dto';
import { IllLoanEventsConsumer } from './consumers/ill-loan-events.consumer';
import { FederationController } from './controllers/federation.controller';
import { ExchangeLogService } from './exchanges/exchange-log.service';
import { FailedExchangeRetrierService } from './exchanges/failed-exchange-retrier.service';
import { CreateFederationSchema1764057600200 } from './migrations/1764057600200-create-federation-schema';
import { FederationRegistryNcip1764057600201 } from './migrations/1764057600201-federation-registry-ncip';
import { NcipHandlersService } from './ncip/ncip-handlers.service';
import { NcipServerService } from './ncip/ncip-server.service';
import { NcipClientService } from './ncip/ncip-client.service';
import { PartnerPatronService } from './partner-readers/partner-patron.service';
import { PartnerReportService } from './partner-readers/partner-report.service';
import { PartnerRegistryService } from './partners/partner-registry.service';
import { PartnerPatrons1764057600202 } from './migrations/1764057600202-partner-patrons';
import { ExchangeRetries1764057600203 } from './migrations/1764057600203-exchange-retries';
import { IllExchangeService } from './requests/ill-exchange.service';
import { IllRequestService } from './requests/ill-request.service';

/** Branch federation and partner lending: registry, agreements, partner keys, NCIP 2.02 responder, interlibrary requests. */
@Module({})
export class FederationModule {
  static register(env: FederationEnvDto): DynamicModule {
    return {
      module: FederationModule,
      imports: [
        ServiceCoreModule.forRoot({
          name: 'federation',
          env,
          envClass: FederationEnvDto,
          schema: 'federation',
          entities: [],
          migrations: [
            CreateFederationSchema1764057600200,
            FederationRegistryNcip1764057600201,
            PartnerPatrons1764057600202,
            ExchangeRetries1764057600203,
          ],
        }),
      ],
      controllers: [FederationController],
      providers: [
        PartnerRegistryService,
        ExchangeLogService,
        IllRequestService,
        NcipHandlersService,
        NcipServerService,
        NcipClientService,
        PartnerPatronService,
        PartnerReportService,
        IllExchangeService,
        IllLoanEventsConsumer,
        FailedExchangeRetrierService,
      ],
    };
  }
}
