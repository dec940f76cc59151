import 'reflect-metadata';
import { loadConfigOrExit, runNatsMicroservice } from '@app/common';
import { LoansModule } from './loans.module';
import { LoansEnvDto } from './config/loans-env.dto';

const env = loadConfigOrExit(LoansEnvDto, 'loans');
void runNatsMicroservice(LoansModule.register(env), { name: 'loans', env });
