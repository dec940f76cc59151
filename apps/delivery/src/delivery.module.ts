import { DynamicModule, Module } from '@nestjs/common';
import { ServiceCoreModule } from '@app/common';
import { DeliveryEnvDto } from './config/delivery-env.dto';
import { CreateDeliverySchema1764057600100 } from './migrations/1764057600100-create-delivery-schema';

/** O2O delivery (home and smart-locker delivery). Boots, migrates, answers health and ping. */
@Module({})
export class DeliveryModule {
  static register(env: DeliveryEnvDto): DynamicModule {
    return {
      module: DeliveryModule,
      imports: [
        ServiceCoreModule.forRoot({
          name: 'delivery',
          env,
          envClass: DeliveryEnvDto,
          schema: 'delivery',
          entities: [],
          migrations: [CreateDeliverySchema1764057600100],
        }),
      ],
    };
  }
}
