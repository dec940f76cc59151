import { Provider, Type } from '@nestjs/common';
import { BranchDirectoryService } from '../calendar/branch-directory.service';
import { CalendarRepository } from '../calendar/calendar.repository';
import { CalendarService } from '../calendar/calendar.service';
import { CalendarsController } from '../calendar/calendars.controller';
import { ClosureService } from '../calendar/closure.service';
import { FineBlocksService } from '../fines/fine-blocks.service';
import { FinesController } from '../fines/fines.controller';
import { FinesRepository } from '../fines/fines.repository';
import { FinesService } from '../fines/fines.service';
import { LostItemsRepository } from '../fines/lost-items.repository';
import { LostItemsService } from '../fines/lost-items.service';
import { CacheInvalidationService } from './cache-invalidation.service';
import { CheckoutDryRunService } from './checkout-dry-run.service';
import { LoanLimitsRepository } from './loan-limits.repository';
import { LoanRulesController } from './loan-rules.controller';
import { LoanRulesService } from './loan-rules.service';

/** Policy matrix, calendars/closures and fines: registered in LoansModule with one line each. */
export const CIRCULATION_POLICY_PROVIDERS: Provider[] = [
  CacheInvalidationService,
  LoanLimitsRepository,
  LoanRulesService,
  CheckoutDryRunService,
  BranchDirectoryService,
  CalendarRepository,
  CalendarService,
  ClosureService,
  FinesRepository,
  FineBlocksService,
  FinesService,
  LostItemsRepository,
  LostItemsService,
];

export const CIRCULATION_POLICY_CONTROLLERS: Type<unknown>[] = [LoanRulesController, CalendarsController, FinesController];

export { CirculationPolicyCalendarsFines1764400000000 } from '../migrations/1764400000000-circulation-policy-calendars-fines';
