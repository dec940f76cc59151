import { Module } from '@nestjs/common';
import { SharedModule } from '../shared/shared.module';
import { BranchDirectoryService } from './branch-directory.service';
import { CalendarRepository } from './calendar.repository';
import { CalendarService } from './calendar.service';
import { CalendarsController } from './calendars.controller';
import { ClosureService } from './closure.service';

/** Branch opening hours and closures: due dates land on open days. */
@Module({
  imports: [SharedModule],
  controllers: [CalendarsController],
  providers: [BranchDirectoryService, CalendarRepository, CalendarService, ClosureService],
  exports: [CalendarService],
})
export class CalendarModule {}
