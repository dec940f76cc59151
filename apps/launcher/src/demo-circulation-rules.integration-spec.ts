import { INestMicroservice } from '@nestjs/common';
import { createStandaloneRpcClient, NatsRpcClient } from '@app/common';
import { CalendarSubjects, CalendarView, CatalogSubjects, LoanDryRunResult, LoanRuleSubjects, LoanRuleView, PatronSubjects, RecordView } from '@app/contracts';
import { createTestEnvironment, startTestService, TestEnvironment } from '@app/testing';
// spec files may boot services in-process
import { CatalogModule } from '../../catalog/src/catalog.module';
import { CatalogEnvDto } from '../../catalog/src/config/catalog-env.dto';
import { LoansEnvDto } from '../../loans/src/config/loans-env.dto';
import { LoansModule } from '../../loans/src/loans.module';
import { PatronsEnvDto } from '../../patrons/src/config/patrons-env.dto';
import { PatronsModule } from '../../patrons/src/patrons.module';
import { DEMO_AGENCIES, DEMO_BRANCHES, KSL } from './demo-data';
import { DEMO_LOAN_RULES, DEMO_SEED_STEPS } from './demo-seed-steps';

describe('demo seed: circulation rules and calendars', () => {
  let env: TestEnvironment;
  const services: INestMicroservice[] = [];
  let rpc: NatsRpcClient;
  let close: () => Promise<void>;

  beforeAll(async () => {
    env = await createTestEnvironment('demo_rules');
    services.push(await startTestService({ name: 'catalog', envClass: CatalogEnvDto, env: env.env(), register: CatalogModule.register }));
    services.push(await startTestService({ name: 'patrons', envClass: PatronsEnvDto, env: env.env(), register: PatronsModule.register }));
    ({ client: rpc, close } = createStandaloneRpcClient(env.natsUrl, 'test'));
    for (const a of DEMO_AGENCIES) await rpc.request(CatalogSubjects.upsertAgency, a);
    for (const b of DEMO_BRANCHES) await rpc.request(CatalogSubjects.upsertBranch, b);
    services.push(await startTestService({ name: 'loans', envClass: LoansEnvDto, env: env.env({ HOLD_EXPIRY_INTERVAL_MS: '0' }), register: LoansModule.register }));
  });

  afterAll(async () => {
    await close?.();
    for (const s of services.reverse()) await s.close();
    await env?.stop();
  });

  it('is idempotent and gives the demo network its rules and calendars', async () => {
    const step = DEMO_SEED_STEPS.find((s) => s.name === 'circulationRules')!;
    await step.run(rpc);
    await step.run(rpc);
    const rules = await rpc.request<LoanRuleView[]>(LoanRuleSubjects.list, {});
    expect(rules.map((r) => r.id)).toEqual(expect.arrayContaining(DEMO_LOAN_RULES.map((r) => r.id)));
    const holidays = await rpc.request<unknown[]>(CalendarSubjects.listClosures, { from: '2027-01-01' });
    expect(holidays).toHaveLength(1);
    expect(await rpc.request<CalendarView>(CalendarSubjects.get, { branch: 'KSL-ZS' })).toMatchObject({ source: 'network', weeklyHours: { mon: null } });
    expect(await rpc.request<CalendarView>(CalendarSubjects.get, { branch: 'KSL-24H-SLGY' })).toMatchObject({ alwaysOpen: true });

    // a KSL-MAIN item lent at KSL-HQ: KSL's 30 days (not KSL-HQ's 21), due on a day KSL-HQ is open
    const recordId = (await rpc.request<RecordView>(CatalogSubjects.createRecord, { title: '日知录' })).id;
    await rpc.request(CatalogSubjects.createItem, { agency: KSL, barcode: 'B0000001', recordId, itemType: 'book', homeBranch: 'KSL-MAIN' });
    await rpc.request(PatronSubjects.create, { agency: KSL, barcode: 'P0000001', name: '张三', patronType: 'adult', homeBranch: 'KSL-MAIN', cardExpiresOn: '2030-12-31', pin: '1234' });
    // 2026-12-07 (Mon) + 30 = 2027-01-06 (Wed); 2027-01-05 + 30 = 2027-02-04, 2027-01-06 + 30 = 2027-02-05 (除夕) → 2027-02-07 (Sun)
    const dry = (at: string, branch = 'KSL-HQ') =>
      rpc.request<LoanDryRunResult>(LoanRuleSubjects.dryRun, { patron: { agency: KSL, barcode: 'P0000001' }, item: { agency: KSL, barcode: 'B0000001' }, branch, at });
    expect(await dry('2026-12-07T02:00:00Z')).toMatchObject({ outcome: 'allowed', rule: { id: 'ksl', loanDays: 30 }, dueDate: '2027-01-06' });
    expect(await dry('2027-01-06T02:00:00Z')).toMatchObject({ dueDate: '2027-02-07', dueDateMoved: true });
    expect(await dry('2027-01-06T02:00:00Z', 'KSL-24H-SLGY')).toMatchObject({ dueDate: '2027-02-05', dueDateMoved: false });
  });
});
