import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CalendarBranchDto,
  CalendarSubjects,
  CalendarView,
  ClosureIdDto,
  ClosureReport,
  ClosureView,
  CreateClosureDto,
  ListClosuresDto,
  UpsertCalendarDto,
} from '@app/contracts';
import { CalendarService } from './calendar.service';
import { ClosureService } from './closure.service';

@Controller()
export class CalendarsController {
  constructor(
    private readonly calendars: CalendarService,
    private readonly closures: ClosureService,
  ) {}

  @MessagePattern(CalendarSubjects.list)
  list(): Promise<CalendarView[]> {
    return this.calendars.list();
  }

  @MessagePattern(CalendarSubjects.get)
  get(@Payload() dto: CalendarBranchDto): Promise<CalendarView> {
    return this.calendars.view(dto.branch);
  }

  @MessagePattern(CalendarSubjects.upsert)
  upsert(@Payload() dto: UpsertCalendarDto): Promise<CalendarView> {
    return this.calendars.upsert(dto);
  }

  @MessagePattern(CalendarSubjects.createClosure)
  createClosure(@Payload() dto: CreateClosureDto): Promise<ClosureReport> {
    return this.closures.create(dto);
  }

  @MessagePattern(CalendarSubjects.listClosures)
  listClosures(@Payload() dto: ListClosuresDto): Promise<ClosureView[]> {
    return this.closures.list(dto);
  }

  @MessagePattern(CalendarSubjects.deleteClosure)
  deleteClosure(@Payload() dto: ClosureIdDto): Promise<ClosureView> {
    return this.closures.delete(dto);
  }
}
