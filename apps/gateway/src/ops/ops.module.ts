import { Module } from '@nestjs/common';
import { OpsAssetsService } from './ops-assets.service';
import { OpsController, OpsSessionController } from './ops.controller';

/** The ops web page (docs/operations.md, "Ops page"); the global API key guard covers its API. */
@Module({ controllers: [OpsController, OpsSessionController], providers: [OpsAssetsService] })
export class OpsModule {}
