import { Module } from '@nestjs/common';
import { CalendarModule } from '../calendar/calendar.module';
import { RulesModule } from '../rules/rules.module';
import { SharedModule } from '../shared/shared.module';
import { FineBlocksService } from './fine-blocks.service';
import { FinesController } from './fines.controller';
import { FinesRepository } from './fines.repository';
import { FinesService } from './fines.service';
import { LostItemsRepository } from './lost-items.repository';
import { LostItemsService } from './lost-items.service';

/** Overdue fines, payments and fine blocks; lost and claimed-returned items. Checkin asks it for the fine. */
@Module({
  imports: [SharedModule, CalendarModule, RulesModule],
  controllers: [FinesController],
  providers: [FinesRepository, FineBlocksService, FinesService, LostItemsRepository, LostItemsService],
  exports: [FinesService, LostItemsService],
})
export class FinesModule {}
