import { createStandaloneRpcClient, NatsRpcClient } from '@app/common';
import {
  CalendarSubjects,
  CalendarView,
  CatalogSubjects,
  LoanDryRunResult,
  LoanRuleSubjects,
  LoanRuleView,
} from '@app/contracts';
// spec files may boot services in-process
import { CirculationFixture } from './support/circulation-fixture';
import { DEMO_AGENCIES, DEMO_BRANCHES, KSL } from '@app/suite';
import { DEMO_LOAN_RULES, DEMO_SEED_STEPS } from '@app/suite';

describe('demo seed: circulation rules and calendars', () => {
  const fx = new CirculationFixture({ prefix: 'demo_rules', loansEnv: { HOLD_EXPIRY_INTERVAL_MS: '0' } });
  let rpc: NatsRpcClient;
  let close: () => Promise<void>;

  beforeAll(async () => {
    await fx.start(async () => {
      ({ client: rpc, close } = createStandaloneRpcClient(fx.env.natsUrl, 'test'));
      for (const a of DEMO_AGENCIES) await rpc.request(CatalogSubjects.upsertAgency, a);
      for (const b of DEMO_BRANCHES) await rpc.request(CatalogSubjects.upsertBranch, b);
    });
  });

  afterAll(async () => {
    await close?.();
    await fx.stop();
  });

  it('is idempotent and gives the demo network its rules and calendars', async () => {
    const step = DEMO_SEED_STEPS.find((s) => s.name === 'circulationRules')!;
    await step.run(rpc);
    await step.run(rpc);
    const rules = await rpc.request<LoanRuleView[]>(LoanRuleSubjects.list, {});
    expect(rules.map((r) => r.id)).toEqual(expect.arrayContaining(DEMO_LOAN_RULES.map((r) => r.id)));
    const holidays = await rpc.request<unknown[]>(CalendarSubjects.listClosures, { from: '2027-01-01' });
    expect(holidays).toHaveLength(1);
    expect(await rpc.request<CalendarView>(CalendarSubjects.get, { branch: 'KSL-ZS' })).toMatchObject({
      source: 'network',
      weeklyHours: { mon: null },
    });
    expect(await rpc.request<CalendarView>(CalendarSubjects.get, { branch: 'KSL-24H-SLGY' })).toMatchObject({
      alwaysOpen: true,
    });

    // a KSL-MAIN item lent at KSL-HQ: KSL's 30 days (not KSL-HQ's 21), due on a day KSL-HQ is open
    await fx.createItem('B0000001', await fx.newRecord('日知录'));
    await fx.createPatron('P0000001', { name: '张三', cardExpiresOn: '2030-12-31' });
    // 2026-12-07 (Mon) + 30 = 2027-01-06 (Wed); 2027-01-05 + 30 = 2027-02-04, 2027-01-06 + 30 = 2027-02-05 (除夕) → 2027-02-07 (Sun)
    const dry = (at: string, branch = 'KSL-HQ') =>
      rpc.request<LoanDryRunResult>(LoanRuleSubjects.dryRun, {
        patron: { agency: KSL, barcode: 'P0000001' },
        item: { agency: KSL, barcode: 'B0000001' },
        branch,
        at,
      });
    expect(await dry('2026-12-07T02:00:00Z')).toMatchObject({
      outcome: 'allowed',
      rule: { id: 'ksl', loanDays: 30 },
      dueDate: '2027-01-06',
    });
    expect(await dry('2027-01-06T02:00:00Z')).toMatchObject({ dueDate: '2027-02-07', dueDateMoved: true });
    expect(await dry('2027-01-06T02:00:00Z', 'KSL-24H-SLGY')).toMatchObject({
      dueDate: '2027-02-05',
      dueDateMoved: false,
    });
  });
});
