import 'reflect-metadata';
import { loadConfigOrExit, runNatsMicroservice } from '@app/common';
import { FederationEnvDto } from './config/federation-env.dto';
import { FederationModule } from './federation.module';

const env = loadConfigOrExit(FederationEnvDto, 'federation');
void runNatsMicroservice(FederationModule.register(env), { name: 'federation', env });
