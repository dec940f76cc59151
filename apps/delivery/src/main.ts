import 'reflect-metadata';
import { loadConfigOrExit, runNatsMicroservice } from '@app/common';
import { DeliveryEnvDto } from './config/delivery-env.dto';
import { DeliveryModule } from './delivery.module';

const env = loadConfigOrExit(DeliveryEnvDto, 'delivery');
void runNatsMicroservice(DeliveryModule.register(env), { name: 'delivery', env });
