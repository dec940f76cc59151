import 'reflect-metadata';
import { loadConfigOrExit, runNatsMicroservice } from '@app/common';
import { PatronsModule } from './patrons.module';
import { PatronsEnvDto } from './config/patrons-env.dto';

const env = loadConfigOrExit(PatronsEnvDto, 'patrons');
void runNatsMicroservice(PatronsModule.register(env), { name: 'patrons', env });
