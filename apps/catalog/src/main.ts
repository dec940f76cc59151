import 'reflect-metadata';
import { loadConfigOrExit, runNatsMicroservice } from '@app/common';
import { CatalogModule } from './catalog.module';
import { CatalogEnvDto } from './config/catalog-env.dto';

const env = loadConfigOrExit(CatalogEnvDto, 'catalog');
void runNatsMicroservice(CatalogModule.register(env), { name: 'catalog', env });
