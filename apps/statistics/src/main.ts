import 'reflect-metadata';
import { loadConfigOrExit, runNatsMicroservice } from '@app/common';
import { StatisticsEnvDto } from './config/statistics-env.dto';
import { StatisticsModule } from './statistics.module';

const env = loadConfigOrExit(StatisticsEnvDto, 'statistics');
void runNatsMicroservice(StatisticsModule.register(env), { name: 'statistics', env });
