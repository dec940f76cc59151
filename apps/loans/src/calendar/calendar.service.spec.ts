import { LoansEnvDto } from '../config/loans-env.dto';
import { CacheInvalidationService } from '../shared/cache-invalidation.service';
import { BranchDirectoryService } from './branch-directory.service';
import { CalendarRepository, ClosureRow } from './calendar.repository';
import { CalendarService } from './calendar.service';

const nine = { open: '09:00', close: '21:00' };

describe('CalendarService due days (Asia/Shanghai)', () => {
  let closures: ClosureRow[];
  let reads: number;
  const listeners: Record<string, () => void> = {};
  const repo = {
    weeklyHours: async (branch: string) => {
      reads++;
      return {
        own:
          branch === 'KSL-ZS' ? { mon: null, tue: nine, wed: nine, thu: nine, fri: nine, sat: nine, sun: nine } : null,
        network: null,
      };
    },
    closuresFor: async () => closures,
  } as unknown as CalendarRepository;
  const branches = { isAlwaysOpen: async (b: string) => b === 'KSL-24H' } as unknown as BranchDirectoryService;
  const invalidation = {
    on: (topic: string, l: () => void) => (listeners[topic] = l),
    invalidate: async () => undefined,
  } as unknown as CacheInvalidationService;
  const env = Object.assign(new LoansEnvDto(), { LIBRARY_TIMEZONE: 'Asia/Shanghai' });
  const closure = (from: string, to: string, kind: 'closure' | 'holiday'): ClosureRow => ({
    id: from,
    branch: null,
    from,
    to,
    kind,
    reason: 'r',
    loansMoved: 0,
    createdAt: new Date(),
  });
  let service: CalendarService;

  beforeEach(() => {
    closures = [];
    reads = 0;
    service = new CalendarService(repo, branches, invalidation, env);
  });

  it('counts from the local day of checkout: 23:30 Beijing time is already the next day in UTC terms', async () => {
    // 2026-11-30T15:30Z is 2026-11-30 23:30 in Shanghai: day + 21 = 2026-12-21 (Monday)
    const due = await service.dueAfter(new Date('2026-11-30T15:30:00Z'), 21, 'KSL-MAIN');
    expect(due).toMatchObject({ dueDate: '2026-12-21', moved: false, dueBranch: 'KSL-MAIN' });
    expect(due.dueAt.toISOString()).toBe('2026-12-21T15:59:59.000Z');
    // at KSL-ZS (closed on Mondays) the same loan is due on Tuesday
    expect(await service.dueAfter(new Date('2026-11-30T15:30:00Z'), 21, 'KSL-ZS')).toMatchObject({
      dueDate: '2026-12-22',
      moved: true,
    });
  });

  it.each([
    // [case, closures, branch, nominal, expected]
    [
      'Spring Festival holiday at a staffed branch',
      [closure('2027-02-06', '2027-02-12', 'holiday')],
      'KSL-MAIN',
      '2027-02-08',
      '2027-02-13',
    ],
    [
      'Spring Festival holiday at a 24-hour library',
      [closure('2027-02-06', '2027-02-12', 'holiday')],
      'KSL-24H',
      '2027-02-08',
      '2027-02-08',
    ],
    [
      'closure ending on a Sunday at a Monday-closed branch',
      [closure('2027-03-01', '2027-03-07', 'closure')],
      'KSL-ZS',
      '2027-03-03',
      '2027-03-09',
    ],
    [
      'closure at a 24-hour library',
      [closure('2027-03-01', '2027-03-07', 'closure')],
      'KSL-24H',
      '2027-03-03',
      '2027-03-08',
    ],
    [
      'back-to-back closure then holiday',
      [closure('2027-04-01', '2027-04-03', 'closure'), closure('2027-04-04', '2027-04-06', 'holiday')],
      'KSL-MAIN',
      '2027-04-02',
      '2027-04-07',
    ],
  ])('%s', async (_case, cs, branch, nominal, expected) => {
    closures = cs as ClosureRow[];
    expect((await service.dueOnOrAfter(nominal as string, branch as string)).dueDate).toBe(expected);
  });

  it('caches per branch and reloads after an invalidation', async () => {
    await service.dueOnOrAfter('2027-01-05', 'KSL-ZS');
    await service.dueOnOrAfter('2027-01-06', 'KSL-ZS');
    expect(reads).toBe(1);
    closures = [closure('2027-01-06', '2027-01-06', 'closure')];
    listeners.calendars();
    expect((await service.dueOnOrAfter('2027-01-06', 'KSL-ZS')).dueDate).toBe('2027-01-07');
    expect(reads).toBe(2);
  });
});
