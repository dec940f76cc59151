import { DynamicModule, Module } from '@nestjs/common';
import { ServiceCoreModule } from '@app/common';
import { FederationEnvDto } from './config/federation-env.dto';
import { CreateFederationSchema1764057600200 } from './migrations/1764057600200-create-federation-schema';

/** Branch federation and partner lending (NCIP). Boots, migrates, answers health and ping. */
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
          migrations: [CreateFederationSchema1764057600200],
        }),
      ],
    };
  }
}
