import {
  CalendarSubjects,
  CalendarView,
  ClaimReturnedResult,
  ClosureReport,
  ErrorCode,
  FineSubjects,
  FinesPage,
  LoanDryRunResult,
  LoanRuleSubjects,
  LoanRuleView,
  LoanSubjects,
  MarkLostResult,
  PatronSubjects,
  PatronView,
  PayFinesResult,
  RenewResult,
  WaiveFineResult,
} from '@app/contracts';
import { eventually, RpcTestClient } from '@app/testing';
import { Client } from 'pg';
import { addDays, localDate } from '@app/time';
import { CirculationFixture, KSL, refusal } from './support/circulation-fixture';

const SH = 'Asia/Shanghai';
const nine = { open: '09:00', close: '21:00' };
const CLOSED_MONDAYS = { mon: null, tue: nine, wed: nine, thu: nine, fri: nine, sat: nine, sun: nine };

describe('circulation policy: rules, calendars, closures, fines (real PostgreSQL + NATS, with catalog and patrons)', () => {
  const fx = new CirculationFixture({
    prefix: 'policy',
    env: { LIBRARY_TIMEZONE: SH },
    db: true,
    patronDefaults: { pin: '2468' },
  });
  const { createPatron, summary, itemStatus } = fx;
  let rpc: RpcTestClient;
  let db: Client;
  let recordId: string;

  const today = () => localDate(new Date(), SH);
  const createItem = (barcode: string, extra: Record<string, unknown> = {}) => fx.createItem(barcode, recordId, extra);
  const checkout = (patron: string, item: string, branch = 'KSL-MAIN', extra: Record<string, unknown> = {}) =>
    fx.checkout(patron, item, { branch, ...extra });
  const checkin = (item: string, branch = 'KSL-MAIN') => fx.checkin(item, branch);
  const dryRun = (patron: string, item: string, branch: string, extra: Record<string, unknown> = {}) =>
    rpc.request<LoanDryRunResult>(LoanRuleSubjects.dryRun, {
      patron: { agency: KSL, barcode: patron },
      item: { agency: KSL, barcode: item },
      branch,
      ...extra,
    });
  const upsertRule = (rule: Record<string, unknown>) =>
    rpc.request<LoanRuleView>(LoanRuleSubjects.upsert, {
      patronType: '*',
      itemType: '*',
      maxRenewals: 1,
      maxItems: 20,
      ...rule,
    });
  const fines = (patron: string, status = 'open') =>
    rpc.request<FinesPage>(FineSubjects.list, { patron: { agency: KSL, barcode: patron }, status });
  const patron = (barcode: string) => rpc.request<PatronView>(PatronSubjects.get, { agency: KSL, barcode });
  /** Travel in time the only way we can: make an open loan due `days` ago (and optionally claimed returned `claimedDaysAgo`). */
  const makeDue = (item: string, daysAgo: number) =>
    db.query(
      `UPDATE loans.loans SET due_date = $2::date, due_at = (($2::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai') - interval '1 second',
         checked_out_at = LEAST(checked_out_at, (($2::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai') - interval '30 days')
       WHERE item_barcode = $1 AND returned_at IS NULL`,
      [item, addDays(today(), -daysAgo)],
    );

  beforeAll(async () => {
    // the demo network, registered before loans first asks the catalog for branch kinds
    await fx.start(() =>
      fx.registerKsl([
        ['KSL-HQ', '花桥分馆', 'branch'],
        ['KSL-24H', '森林公园24小时自助图书馆', 'self_service_24h'],
      ]),
    );
    ({ rpc, db } = fx);
    recordId = await fx.newRecord('三体', { author: '刘慈欣' });
    for (const p of ['P-A', 'P-B', 'P-C', 'P-FINE', 'P-LOST', 'P-CLAIM', 'P-REN', 'P-DRY']) await createPatron(p);
    await createPatron('P-KID', { patronType: 'child' });
  });

  afterAll(() => fx.stop());

  describe('policy matrix', () => {
    it('done when: staff configure the demo network’s rules and a KSL-HQ checkout of a KSL-MAIN item uses the owner’s rule', async () => {
      await upsertRule({
        id: 'ksl-main',
        scope: 'KSL-MAIN',
        loanDays: 21,
        renewalDays: 21,
        finePerDayFen: 10,
        fineCapFen: 2000,
      });
      await upsertRule({ id: 'ksl-hq', scope: 'KSL-HQ', loanDays: 14, renewalDays: 14 });
      await upsertRule({ id: 'ksl', scope: KSL, loanDays: 28, renewalDays: 28 });
      await createItem('MAIN-1'); // owned by KSL-MAIN
      await createItem('HQ-1', { homeBranch: 'KSL-HQ' });

      const dry = await dryRun('P-A', 'MAIN-1', 'KSL-HQ');
      expect(dry).toMatchObject({ outcome: 'allowed', rule: { id: 'ksl-main', loanDays: 21 }, dueBranch: 'KSL-HQ' });

      const before = today();
      const { loan, rule } = await checkout('P-A', 'MAIN-1', 'KSL-HQ');
      expect(rule).toMatchObject({ id: 'ksl-main', loanDays: 21 });
      expect([addDays(before, 21), addDays(today(), 21)]).toContain(loan.dueDate);
      expect(loan.dueDate).toBe(dry.dueDate);
      // and an item owned by KSL-HQ, lent at KSL-HQ, gets KSL-HQ's rule
      expect((await checkout('P-A', 'HQ-1', 'KSL-HQ')).rule).toMatchObject({ id: 'ksl-hq', loanDays: 14 });
    });

    it('lists rules most specific scope first and guards the key and the catch-all', async () => {
      const rules = await rpc.request<LoanRuleView[]>(LoanRuleSubjects.list, {});
      const ids = rules.map((r) => r.id);
      expect(ids.indexOf('ksl-main')).toBeLessThan(ids.indexOf('default'));
      expect(rules.find((r) => r.id === 'default')).toMatchObject({
        finePerDayFen: 10,
        fineCapFen: 3000,
        fineBlockThresholdFen: 1000,
        holdsAllowed: true,
      });
      expect(await rpc.request<LoanRuleView[]>(LoanRuleSubjects.list, { scope: 'KSL-HQ' })).toEqual([
        expect.objectContaining({ id: 'ksl-hq' }),
      ]);

      // the same key under another id would make the precedence ambiguous
      await expect(
        upsertRule({ id: 'ksl-main-2', scope: 'KSL-MAIN', loanDays: 7, renewalDays: 7 }),
      ).rejects.toMatchObject(refusal(ErrorCode.Conflict));
      await expect(rpc.request(LoanRuleSubjects.delete, { id: 'default' })).rejects.toMatchObject(
        refusal(ErrorCode.Conflict),
      );
      await expect(upsertRule({ id: 'default', scope: KSL, loanDays: 7, renewalDays: 7 })).rejects.toMatchObject(
        refusal(ErrorCode.Conflict),
      );
      await expect(rpc.request(LoanRuleSubjects.delete, { id: 'nope' })).rejects.toMatchObject(
        refusal(ErrorCode.NotFound),
      );
      const bad = await upsertRule({
        id: 'Bad Id',
        scope: '*',
        loanDays: 0,
        renewalDays: 7,
        patronType: 'alien',
      }).catch((e) => e.payload);
      expect(bad.code).toBe(ErrorCode.ValidationFailed);
      expect(bad.details.fields.map((f: { field: string }) => f.field).sort()).toEqual([
        'id',
        'loanDays',
        'patronType',
      ]);

      await upsertRule({ id: 'tmp', scope: 'KSL-ZS', patronType: 'senior', loanDays: 60, renewalDays: 30 });
      expect(await rpc.request(LoanRuleSubjects.delete, { id: 'tmp' })).toEqual({ id: 'tmp', deleted: true });
    });

    it('applies per-owning-branch limits from the owner’s rule, counted from an index', async () => {
      await upsertRule({ id: 'ksl-zs', scope: 'KSL-ZS', loanDays: 30, renewalDays: 30, maxItemsPerBranch: 2 });
      for (const b of ['ZS-1', 'ZS-2', 'ZS-3']) await createItem(b, { homeBranch: 'KSL-ZS' });
      await createItem('MAIN-LIM');
      await checkout('P-B', 'ZS-1', 'KSL-MAIN');
      await checkout('P-B', 'ZS-2', 'KSL-ZS');
      expect(await dryRun('P-B', 'ZS-3', 'KSL-ZS')).toMatchObject({
        outcome: ErrorCode.TooManyItems,
        rule: { id: 'ksl-zs' },
        limits: { openLoans: 2, openFromOwningBranch: 2, maxItemsPerBranch: 2 },
      });
      await expect(checkout('P-B', 'ZS-3', 'KSL-ZS')).rejects.toMatchObject({
        payload: expect.objectContaining({
          code: ErrorCode.TooManyItems,
          details: expect.objectContaining({ owningBranch: 'KSL-ZS', maxItemsPerBranch: 2 }),
        }),
      });
      // the loan row went out with the counts (one round trip); the refusal rolled it back
      expect((await db.query(`SELECT count(*)::int AS n FROM loans.loans WHERE item_barcode = 'ZS-3'`)).rows[0].n).toBe(
        0,
      );
      // another owner's item is still fine
      await expect(checkout('P-B', 'MAIN-LIM', 'KSL-ZS')).resolves.toMatchObject({ rule: { id: 'ksl-main' } });

      // with a handful of rows PostgreSQL would rather scan; forbid that to see which index serves the count
      await db.query('SET enable_seqscan = off');
      const plan = await db.query(
        `EXPLAIN SELECT count(*) FROM loans.loans WHERE patron_agency = $1 AND patron_barcode = $2 AND owning_branch = $3 AND returned_at IS NULL`,
        [KSL, 'P-B', 'KSL-ZS'],
      );
      await db.query('RESET enable_seqscan');
      expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(
        /Index Only Scan using loans_open_patron_owner_idx/,
      );
    });

    it('dry-runs refusals with the same codes a checkout would give, and writes nothing', async () => {
      await createPatron('P-BLOCKED', { blocks: ['manual'] });
      await createItem('DRY-1');
      expect(await dryRun('P-NOBODY', 'DRY-1', 'KSL-MAIN')).toMatchObject({
        outcome: ErrorCode.PatronUnknown,
        rule: null,
      });
      expect(await dryRun('P-DRY', 'NO-ITEM', 'KSL-MAIN')).toMatchObject({ outcome: ErrorCode.ItemUnknown });
      expect(await dryRun('P-BLOCKED', 'DRY-1', 'KSL-MAIN')).toMatchObject({
        outcome: ErrorCode.PatronBlocked,
        dueDate: null,
      });
      expect(await dryRun('P-DRY', 'MAIN-1', 'KSL-MAIN')).toMatchObject({
        outcome: ErrorCode.ItemAlreadyOnLoan,
        rule: { id: 'ksl-main' },
      });
      const ok = await dryRun('P-DRY', 'DRY-1', 'KSL-MAIN', { at: '2026-12-01T02:00:00Z' });
      expect(ok).toMatchObject({
        outcome: 'allowed',
        dueDate: '2026-12-22',
        dueAt: '2026-12-22T15:59:59.000Z',
        dueDateMoved: false,
      });
      expect(await rpc.request(LoanSubjects.itemLoan, { agency: KSL, barcode: 'DRY-1' })).toBeNull();
    });
  });

  describe('calendars and closures', () => {
    it('moves a due day off a closed weekday and off holidays, but not at a 24-hour library', async () => {
      await rpc.request<CalendarView>(CalendarSubjects.upsert, {
        branch: '*',
        weeklyHours: { mon: nine, tue: nine, wed: nine, thu: nine, fri: nine, sat: nine, sun: nine },
      });
      const zs = await rpc.request<CalendarView>(CalendarSubjects.upsert, {
        branch: 'KSL-ZS',
        weeklyHours: CLOSED_MONDAYS,
      });
      expect(zs).toMatchObject({
        branch: 'KSL-ZS',
        branchKind: 'branch',
        alwaysOpen: false,
        source: 'branch',
        weeklyHours: { mon: null, tue: nine },
      });
      expect(await rpc.request<CalendarView>(CalendarSubjects.get, { branch: 'KSL-24H' })).toMatchObject({
        alwaysOpen: true,
        branchKind: 'self_service_24h',
      });
      await expect(rpc.request(CalendarSubjects.upsert, { branch: 'KSL-NOPE', weeklyHours: {} })).rejects.toMatchObject(
        refusal(ErrorCode.BranchUnknown),
      );

      // KSL-MAIN items: 21 days. 2026-12-01 (Tue) + 21 = 2026-12-22 (Tue); 2026-11-09 + 21 = 2026-11-30, a Monday
      await createItem('CAL-1');
      const at = '2026-11-09T02:00:00Z';
      expect(await dryRun('P-DRY', 'CAL-1', 'KSL-MAIN', { at })).toMatchObject({
        dueDate: '2026-11-30',
        dueDateMoved: false,
      });
      expect(await dryRun('P-DRY', 'CAL-1', 'KSL-ZS', { at })).toMatchObject({
        dueDate: '2026-12-01',
        dueBranch: 'KSL-ZS',
        dueDateMoved: true,
      });
      // returned at KSL-ZS even though lent at KSL-MAIN
      expect(await dryRun('P-DRY', 'CAL-1', 'KSL-MAIN', { at, returnBranch: 'KSL-ZS' })).toMatchObject({
        dueDate: '2026-12-01',
      });

      // a network holiday on 2026-12-22..23: staffed branches move to the 24th, the 24-hour library does not
      const holiday = await rpc.request<ClosureReport>(CalendarSubjects.createClosure, {
        from: '2026-12-22',
        to: '2026-12-23',
        kind: 'holiday',
        reason: '测试假日',
      });
      expect(holiday.closure).toMatchObject({ branch: null, kind: 'holiday' });
      const at2 = '2026-12-01T02:00:00Z';
      expect(await dryRun('P-DRY', 'CAL-1', 'KSL-MAIN', { at: at2 })).toMatchObject({
        dueDate: '2026-12-24',
        dueDateMoved: true,
      });
      expect(await dryRun('P-DRY', 'CAL-1', 'KSL-24H', { at: at2 })).toMatchObject({
        dueDate: '2026-12-22',
        dueDateMoved: false,
      });
      // an exceptional closure does close the 24-hour library
      await rpc.request<ClosureReport>(CalendarSubjects.createClosure, {
        branch: 'KSL-24H',
        from: '2026-12-22',
        to: '2026-12-22',
        reason: '设备检修',
      });
      expect(await dryRun('P-DRY', 'CAL-1', 'KSL-24H', { at: at2 })).toMatchObject({
        dueDate: '2026-12-23',
        dueDateMoved: true,
      });

      const listed = await rpc.request<{ branch: string | null; reason: string }[]>(CalendarSubjects.listClosures, {
        branch: 'KSL-24H',
        from: '2026-12-01',
      });
      expect(listed.map((c) => c.reason)).toEqual(['测试假日', '设备检修']);
    });

    it('moves a real checkout’s and a renewal’s due day past a closure announced beforehand', async () => {
      await createItem('CAL-2', { homeBranch: 'KSL-HQ' }); // ksl-hq: 14 days, renewals 14 days
      const t = today();
      const report = await rpc.request<ClosureReport>(CalendarSubjects.createClosure, {
        branch: 'KSL-HQ',
        from: addDays(t, 14),
        to: addDays(t, 15),
        reason: '停电',
      });
      expect(report.closure.branch).toBe('KSL-HQ');
      const { loan } = await checkout('P-REN', 'CAL-2', 'KSL-HQ');
      expect([addDays(t, 16), addDays(today(), 16)]).toContain(loan.dueDate);
      // renewing today: today + 14 is closed too, and never earlier than the current due day
      const renewed = await rpc.request<RenewResult>(LoanSubjects.renew, {
        patron: { agency: KSL, barcode: 'P-REN' },
        item: { agency: KSL, barcode: 'CAL-2' },
      });
      expect(renewed.loan.dueDate).toBe(loan.dueDate);
    });

    it('a network closure moves every open loan due inside it in one call: 20 000 loans, set-based, quickly', async () => {
      // 20 000 open loans due 2030-03-01 .. 2030-06-08 (200 a day), spread over four due branches
      await db.query(`INSERT INTO loans.loans (id, patron_agency, patron_barcode, patron_type, item_agency, item_barcode, item_id, title, item_type,
          owning_branch, checkout_branch, channel, rule_id, checked_out_at, due_at, due_date, renewals, due_branch)
        SELECT gen_random_uuid(), '${KSL}', 'BULK-P' || (g % 2000), 'adult', '${KSL}', 'BULK-' || g, gen_random_uuid(), '书', 'book',
          'KSL-MAIN', b.branch, 'api', 'default', now(), ((d + 1)::timestamp AT TIME ZONE 'Asia/Shanghai') - interval '1 second', d, 0, b.branch
        FROM generate_series(0, 19999) g
        CROSS JOIN LATERAL (SELECT '2030-03-01'::date + (g % 100) AS d) dd
        CROSS JOIN LATERAL (SELECT (ARRAY['KSL-MAIN', 'KSL-ZS', 'KSL-HQ', 'KSL-24H'])[1 + (g / 100) % 4] AS branch) b`);
      // a network holiday right after: staffed branches reopen on 2030-04-30, the 24-hour library on 2030-04-28
      const holiday = await rpc.request<ClosureReport>(CalendarSubjects.createClosure, {
        from: '2030-04-28',
        to: '2030-04-29',
        kind: 'holiday',
        reason: '调休',
      });
      expect(holiday.loansMoved).toBe(300); // 2 days × 200, minus the 24-hour library's 100

      const closure = await rpc.request<ClosureReport>(
        CalendarSubjects.createClosure,
        { from: '2030-03-10', to: '2030-04-27', reason: '新冠肺炎疫情防控 全馆闭馆 (7 weeks)' },
        30_000,
      );
      expect(closure.loansMoved).toBe(49 * 200);
      expect(closure.closure).toMatchObject({ branch: null, kind: 'closure', loansMoved: 9800 });
      expect(Object.fromEntries(closure.moves.map((m) => [m.dueBranch, m.newDueDate]))).toEqual({
        'KSL-MAIN': '2030-04-30',
        'KSL-ZS': '2030-04-30', // 04-28/29 holiday (and the 29th is a Monday anyway)
        'KSL-HQ': '2030-04-30',
        'KSL-24H': '2030-04-28',
      });
      expect(closure.moves.reduce((n, m) => n + m.loans, 0)).toBe(9800);
      expect(Number.isFinite(closure.tookMs)).toBe(true); // the report tells the operator how long it took; speed is the benchmark's business

      const { rows } = await db.query(`SELECT due_branch, due_date::text AS d, count(*)::int AS n FROM loans.loans
        WHERE item_barcode LIKE 'BULK-%' AND due_date BETWEEN '2030-03-10' AND '2030-04-27' GROUP BY 1, 2`);
      expect(rows).toEqual([]); // nothing left inside the closure
      const edges = await db.query(`SELECT due_date::text AS d, count(*)::int AS n FROM loans.loans
        WHERE item_barcode LIKE 'BULK-%' AND due_date IN ('2030-03-09', '2030-04-28', '2030-04-30', '2030-05-01') GROUP BY 1 ORDER BY 1`);
      expect(edges.rows).toEqual([
        { d: '2030-03-09', n: 200 }, // before the closure: untouched
        { d: '2030-04-28', n: 49 * 50 + 50 }, // 24-hour library: closure loans + its own loans due that day
        { d: '2030-04-30', n: 49 * 150 + 300 + 200 }, // staffed: closure + holiday loans + those due on the 30th
        { d: '2030-05-01', n: 200 },
      ]);
      const dueAt = await db.query(
        `SELECT DISTINCT due_at FROM loans.loans WHERE item_barcode LIKE 'BULK-%' AND due_date = '2030-04-30'`,
      );
      expect(dueAt.rows.map((r) => (r.due_at as Date).toISOString())).toEqual(['2030-04-30T15:59:59.000Z']);

      // the same call again finds nothing left to move and records no second closure
      const again = await rpc.request<ClosureReport>(
        CalendarSubjects.createClosure,
        { from: '2030-03-10', to: '2030-04-27', reason: 'again' },
        30_000,
      );
      expect(again).toMatchObject({ loansMoved: 0, closure: { id: closure.closure.id, loansMoved: 9800 } });
      await db.query(`DELETE FROM loans.loans WHERE item_barcode LIKE 'BULK-%'`);
    });

    it('refuses a closure that ends before it starts or lasts over a year', async () => {
      await expect(
        rpc.request(CalendarSubjects.createClosure, { from: '2027-01-02', to: '2027-01-01', reason: 'x' }),
      ).rejects.toMatchObject(refusal(ErrorCode.ValidationFailed));
      await expect(
        rpc.request(CalendarSubjects.createClosure, { from: '2027-01-01', to: '2028-06-01', reason: 'x' }),
      ).rejects.toMatchObject(refusal(ErrorCode.ValidationFailed));
      await expect(
        rpc.request(CalendarSubjects.createClosure, { from: '2027-02-30', to: '2027-03-01', reason: 'x' }),
      ).rejects.toMatchObject(refusal(ErrorCode.ValidationFailed));
    });
  });

  describe('overdues, fines and blocks', () => {
    beforeAll(async () => {
      // 24-hour returns count every day; the rule for KSL-24H-owned items: 100 fen a day, 3 grace days, cap 1500, block from 1000
      await upsertRule({
        id: 'ksl-24h',
        scope: 'KSL-24H',
        loanDays: 30,
        renewalDays: 30,
        finePerDayFen: 100,
        fineCapFen: 1500,
        graceDays: 3,
        fineBlockThresholdFen: 1000,
      });
    });

    it('charges nothing within the grace days, then every chargeable day; skips closed days of the return branch', async () => {
      for (const b of ['F-1', 'F-2', 'F-3']) await createItem(b, { homeBranch: 'KSL-24H' });
      await checkout('P-FINE', 'F-1', 'KSL-24H');
      await checkout('P-FINE', 'F-2', 'KSL-24H');
      await checkout('P-FINE', 'F-3', 'KSL-24H');

      await makeDue('F-1', 3); // three days late: within grace
      const graced = await checkin('F-1', 'KSL-24H');
      expect(graced.alerts).toContain('overdue');
      expect(graced.fine).toBeUndefined();

      await makeDue('F-2', 6); // six days late at an always-open library: 600 fen
      const late = await checkin('F-2', 'KSL-24H');
      expect(late.fine).toMatchObject({ amountFen: 600, chargeableDays: 6 });
      expect(await summary('P-FINE')).toMatchObject({ finesFen: 600 });
      expect((await patron('P-FINE')).blocks).toEqual([]); // below the 1000 fen threshold

      // a closure of the return branch three and four days ago: those days are not fined (7 - 2 = 5 days)
      await rpc.request(CalendarSubjects.createClosure, {
        branch: 'KSL-24H',
        from: addDays(today(), -4),
        to: addDays(today(), -3),
        reason: '停电',
      });
      await makeDue('F-3', 7);
      const closed = await checkin('F-3', 'KSL-24H');
      expect(closed.fine).toMatchObject({ amountFen: 500, chargeableDays: 5 });

      // 1100 fen owed ≥ 1000: the 'fines' block is set by the loans service
      await eventually(async () => (await patron('P-FINE')).blocks.includes('fines'));
      expect((await patron('P-FINE')).blockDetails?.fines).toMatchObject({ actor: 'loans' });
      await createItem('F-4');
      await expect(checkout('P-FINE', 'F-4')).rejects.toMatchObject(refusal(ErrorCode.PatronBlocked));
    });

    it('caps the fine per loan and charges once even if the return is replayed', async () => {
      await createPatron('P-CAP');
      await createItem('F-CAP', { homeBranch: 'KSL-24H' });
      await checkout('P-CAP', 'F-CAP', 'KSL-24H');
      await makeDue('F-CAP', 40);
      // 40 days, two of them closed (above): 38 × 100 fen, capped at 1500
      expect((await checkin('F-CAP', 'KSL-24H')).fine).toMatchObject({ amountFen: 1500, chargeableDays: 38 });
      expect((await checkin('F-CAP', 'KSL-24H')).wasOnLoan).toBe(false);
      expect((await fines('P-CAP')).items).toHaveLength(1);
    });

    it('pays oldest first, idempotently per transaction id, refuses overpayment, waives, and lifts the block below the threshold', async () => {
      const before = await fines('P-FINE');
      expect(before).toMatchObject({ total: 2, outstandingFen: 1100 });
      await expect(
        rpc.request(FineSubjects.pay, {
          patron: { agency: KSL, barcode: 'P-FINE' },
          amountFen: 1101,
          paymentType: 'cash',
        }),
      ).rejects.toMatchObject(refusal(ErrorCode.PaymentExceedsBalance));

      const pay = {
        patron: { agency: KSL, barcode: 'P-FINE' },
        amountFen: 700,
        paymentType: 'wechat',
        transactionId: 'WX-0001',
        channel: 'sip2',
      };
      const paid = await rpc.request<PayFinesResult>(FineSubjects.pay, pay);
      expect(paid).toMatchObject({
        paidFen: 700,
        outstandingFen: 400,
        replayed: false,
        finesBlock: false,
        transactionId: 'WX-0001',
      });
      // oldest first: the 600 fen fine is settled, 100 fen go to the 500 fen one
      expect(paid.applied.map((a) => [a.amountFen, a.status])).toEqual([
        [600, 'paid'],
        [100, 'open'],
      ]);
      expect((await patron('P-FINE')).blocks).not.toContain('fines');

      // a kiosk resending the same payment is not charged twice
      const replay = await rpc.request<PayFinesResult>(FineSubjects.pay, pay);
      expect(replay).toMatchObject({ replayed: true, paidFen: 700, outstandingFen: 400 });
      expect((await summary('P-FINE')).finesFen).toBe(400);

      const open = (await fines('P-FINE')).items;
      expect(open).toHaveLength(1);
      const waived = await rpc.request<WaiveFineResult>(FineSubjects.waive, {
        fineId: open[0].id,
        reason: '闭馆期间 / goodwill',
        actor: 'staff-7',
      });
      // settled partly by a payment: 'paid' (a fine settled by waivers alone is 'waived')
      expect(waived).toMatchObject({ outstandingFen: 0, fine: { status: 'paid', paidFen: 100, waivedFen: 400 } });
      await expect(rpc.request(FineSubjects.waive, { fineId: open[0].id, reason: 'again' })).rejects.toMatchObject(
        refusal(ErrorCode.Conflict),
      );
      await expect(
        rpc.request(FineSubjects.waive, { fineId: '6f0f7a4e-0000-4000-8000-000000000000', reason: 'x' }),
      ).rejects.toMatchObject(refusal(ErrorCode.FineNotFound));

      const all = await fines('P-FINE', 'all');
      expect(all.items.map((f) => f.status).sort()).toEqual(['paid', 'paid']);
      const tx = await db.query(
        `SELECT kind, amount_fen, payment_type, transaction_id FROM loans.fine_transactions WHERE patron_barcode = 'P-FINE' ORDER BY created_at, amount_fen`,
      );
      expect(tx.rows).toEqual([
        { kind: 'payment', amount_fen: 100, payment_type: 'wechat', transaction_id: 'WX-0001' },
        { kind: 'payment', amount_fen: 600, payment_type: 'wechat', transaction_id: 'WX-0001' },
        { kind: 'waiver', amount_fen: 400, payment_type: null, transaction_id: null },
      ]);
      await expect(checkout('P-FINE', 'F-4')).resolves.toBeDefined();
    });
  });

  describe('lost and claimed returned', () => {
    it('marks a loan lost: closes it, charges the catalog price and the overdue fine, catalog says lost; found later, the unpaid fee is waived', async () => {
      await createItem('LOST-1', { priceFen: 4500, homeBranch: 'KSL-24H' });
      await createItem('LOST-2'); // no price: the rule's default replacement fee
      await checkout('P-LOST', 'LOST-1', 'KSL-24H');
      await checkout('P-LOST', 'LOST-2');
      await makeDue('LOST-1', 7); // 7 days, two of them closed at KSL-24H (see above): 5 chargeable
      await expect(
        rpc.request(FineSubjects.markLost, {
          item: { agency: KSL, barcode: 'LOST-1' },
          patron: { agency: KSL, barcode: 'P-A' },
        }),
      ).rejects.toMatchObject(refusal(ErrorCode.LoanNotFound));

      const lost = await rpc.request<MarkLostResult>(FineSubjects.markLost, {
        item: { agency: KSL, barcode: 'LOST-1' },
        patron: { agency: KSL, barcode: 'P-LOST' },
        actor: 'staff-7',
      });
      expect(lost.loan).toMatchObject({ status: 'closed', lostAt: expect.any(String) });
      expect(lost.fines.map((f) => [f.kind, f.amountFen]).sort()).toEqual([
        ['lost_item', 4500],
        ['overdue', 500],
      ]);
      expect(lost.outstandingFen).toBe(5000);
      await eventually(async () => (await itemStatus('LOST-1')) === 'lost');
      await eventually(async () => (await patron('P-LOST')).blocks.includes('fines'));
      expect(await rpc.request(LoanSubjects.itemLoan, { agency: KSL, barcode: 'LOST-1' })).toBeNull();

      const lost2 = await rpc.request<MarkLostResult>(FineSubjects.markLost, {
        item: { agency: KSL, barcode: 'LOST-2' },
      });
      expect(lost2.fines).toEqual([expect.objectContaining({ kind: 'lost_item', amountFen: 5000 })]);

      // LOST-1 turns up in a book drop: the replacement fee is waived, the overdue fine stays, catalog: available
      const back = await checkin('LOST-1', 'KSL-ZS');
      expect(back).toMatchObject({ wasOnLoan: false, alerts: expect.arrayContaining(['lost_item_found']) });
      expect(back.alerts).not.toContain('lost_fee_paid_refund_due');
      const open = await fines('P-LOST');
      expect(open.items.map((f) => [f.kind, f.outstandingFen]).sort()).toEqual([
        ['lost_item', 5000], // LOST-2's
        ['overdue', 500],
      ]);
      // no longer lost (available here, or in transit home when the return is routed)
      await eventually(async () => (await itemStatus('LOST-1')) !== 'lost');
      // the second scan finds nothing more to do
      expect((await checkin('LOST-1', 'KSL-ZS')).alerts).not.toContain('lost_item_found');

      // a paid replacement fee is not refunded automatically: staff get an alert
      await rpc.request(FineSubjects.pay, {
        patron: { agency: KSL, barcode: 'P-LOST' },
        amountFen: 5500,
        paymentType: 'cash',
      });
      expect((await checkin('LOST-2', 'KSL-MAIN')).alerts).toEqual(
        expect.arrayContaining(['lost_item_found', 'lost_fee_paid_refund_due']),
      );
      await eventually(async () => !(await patron('P-LOST')).blocks.includes('fines'));
    });

    it('claims returned: no fines after the claim, catalog says claimed_returned; checkin later closes it', async () => {
      await createItem('CLAIM-1', { homeBranch: 'KSL-24H' });
      await checkout('P-CLAIM', 'CLAIM-1', 'KSL-24H');
      await makeDue('CLAIM-1', 12);
      const claimed = await rpc.request<ClaimReturnedResult>(FineSubjects.claimReturned, {
        item: { agency: KSL, barcode: 'CLAIM-1' },
      });
      expect(claimed.loan).toMatchObject({ status: 'open', claimedReturnedAt: expect.any(String) });
      await eventually(async () => (await itemStatus('CLAIM-1')) === 'claimed_returned');
      // the claim was made seven days after the due day (before the KSL-24H closure days above)
      await db.query(
        `UPDATE loans.loans SET claimed_returned_at = now() - interval '5 days' WHERE item_barcode = 'CLAIM-1' AND returned_at IS NULL`,
      );
      const back = await checkin('CLAIM-1', 'KSL-24H');
      expect(back.fine).toMatchObject({ chargeableDays: 7, amountFen: 700 });
      await eventually(async () => (await itemStatus('CLAIM-1')) === 'available');
    });
  });

  it('keeps the patron summary to index-only reads: fines from fines_open_patron_idx', async () => {
    await db.query('SET enable_seqscan = off');
    const plan = await db.query(
      `EXPLAIN SELECT COALESCE(sum(amount_fen - paid_fen - waived_fen), 0), min(block_threshold_fen) FROM loans.fines
       WHERE patron_agency = $1 AND patron_barcode = $2 AND status = 'open'`,
      [KSL, 'P-LOST'],
    );
    await db.query('RESET enable_seqscan');
    expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/Index Only Scan using fines_open_patron_idx/);
    expect(await summary('P-LOST')).toMatchObject({ finesFen: 0 });
  });
});
