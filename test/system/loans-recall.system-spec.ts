import { ErrorCode, LoansRecall, RecallResult } from '@app/contracts';
import { addDays, localDate } from '@app/time';
import { CirculationFixture, KSL, refusal } from './support/circulation-fixture';

const SH = 'Asia/Shanghai';

describe('loans.recall.v1 (real PostgreSQL + NATS, with catalog and patrons)', () => {
  const fx = new CirculationFixture({ prefix: 'loans_recall', env: { LIBRARY_TIMEZONE: SH }, db: true });
  let recordId: string;
  const recall = (barcode: string, extra: Record<string, unknown> = {}) =>
    fx.rpc.request<RecallResult>(LoansRecall.subject, {
      item: { agency: KSL, barcode },
      recallDays: 3,
      channel: 'ncip',
      ...extra,
    });
  const recalledEvents = async (loanId: string) =>
    (
      await fx.db.query(
        `SELECT envelope->'data' AS data FROM loans.outbox WHERE subject = 'events.loans.loan-recalled.v1' AND envelope->'data'->>'loanId' = $1`,
        [loanId],
      )
    ).rows.map((r: { data: { dueAt: string } }) => r.data);

  beforeAll(async () => {
    await fx.start();
    await fx.registerKsl();
    recordId = await fx.newRecord('围城');
    await fx.createPatron('P-RC1');
    await fx.createItem('RC-1', recordId);
    await fx.createItem('RC-2', recordId);
    await fx.createItem('RC-3', recordId);
  });
  afterAll(() => fx.stop());

  it('shortens the loan to the recall period and publishes loan-recalled with the new due date', async () => {
    const before = new Date();
    const { loan } = await fx.checkout('P-RC1', 'RC-1');
    const r = await recall('RC-1');
    expect(r.shortened).toBe(true);
    expect(r.previousDueAt).toBe(loan.dueAt);
    // three days from today, or the next day the branch is open
    const earliest = [addDays(localDate(before, SH), 3), addDays(localDate(new Date(), SH), 3)];
    expect(r.loan.dueDate >= earliest[0]).toBe(true);
    expect(new Date(r.loan.dueAt).getTime()).toBeLessThan(new Date(loan.dueAt).getTime());
    expect(r.loan.renewals).toBe(loan.renewals);
    const events = await recalledEvents(loan.id);
    expect(events).toEqual([expect.objectContaining({ loanId: loan.id, dueAt: r.loan.dueAt, channel: 'ncip' })]);
    // the loan itself says so
    const again = await fx.rpc.request<{ dueAt: string } | null>('loans.item-loan.v1', {
      agency: KSL,
      barcode: 'RC-1',
    });
    expect(again?.dueAt).toBe(r.loan.dueAt);
  });

  it('never moves the due date later: a long recall period keeps it (the reader is still told)', async () => {
    const { loan } = await fx.checkout('P-RC1', 'RC-2');
    const r = await recall('RC-2', { recallDays: 365 });
    expect(r).toMatchObject({ shortened: false, previousDueAt: loan.dueAt, loan: { dueAt: loan.dueAt } });
    expect(await recalledEvents(loan.id)).toHaveLength(1);
  });

  it('answers a repeated idempotency key with the first outcome, without a second event', async () => {
    const { loan } = await fx.checkout('P-RC1', 'RC-3');
    const first = await recall('RC-3', { idempotencyKey: 'ncip:CN-320585-1-TCL:RecallItem:R-77' });
    const second = await recall('RC-3', { idempotencyKey: 'ncip:CN-320585-1-TCL:RecallItem:R-77' });
    expect(second).toEqual(first);
    expect(await recalledEvents(loan.id)).toHaveLength(1);
  });

  it('refuses an item that is not on loan', async () => {
    await fx.checkin('RC-3');
    await expect(recall('RC-3')).rejects.toMatchObject(refusal(ErrorCode.LoanNotFound));
  });
});
