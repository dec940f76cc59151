import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Handles } from '@app/common';
import {
  CalendarBranchDto,
  CalendarView,
  ClosureIdDto,
  ClosureReport,
  ClosureView,
  CreateClosureDto,
  ListClosuresDto,
  LoansCalendarsGet,
  LoansCalendarsList,
  LoansCalendarsUpsert,
  LoansClosuresCreate,
  LoansClosuresDelete,
  LoansClosuresList,
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

  @Handles(LoansCalendarsList)
  list(): Promise<CalendarView[]> {
    return this.calendars.list();
  }

  @Handles(LoansCalendarsGet)
  get(@Payload() dto: CalendarBranchDto): Promise<CalendarView> {
    return this.calendars.view(dto.branch);
  }

  @Handles(LoansCalendarsUpsert)
  upsert(@Payload() dto: UpsertCalendarDto): Promise<CalendarView> {
    return this.calendars.upsert(dto);
  }

  @Handles(LoansClosuresCreate)
  createClosure(@Payload() dto: CreateClosureDto): Promise<ClosureReport> {
    return this.closures.create(dto);
  }

  @Handles(LoansClosuresList)
  listClosures(@Payload() dto: ListClosuresDto): Promise<ClosureView[]> {
    return this.closures.list(dto);
  }

  @Handles(LoansClosuresDelete)
  deleteClosure(@Payload() dto: ClosureIdDto): Promise<ClosureView> {
    return this.closures.delete(dto);
  }
}
