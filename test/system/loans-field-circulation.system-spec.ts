import {
  CheckoutResult,
  CirculationExceptionView,
  ErrorCode,
  HoldView,
  LoansHoldsList,
  LoansHoldsPlace,
  LoansIdempotencyOutcome,
  LoansOfflineExceptionResolve,
  LoansOfflineExceptions,
  LoansOfflineUpload,
  Sip2WriteUnresolved,
  FineSubjects,
  IdempotencyOutcome,
  LoanRuleSubjects,
  LoanSubjects,
  LoanView,
  OfflineUploadResult,
  Page,
  RenewResult,
} from '@app/contracts';
import { eventually, RpcTestClient } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { connect, JSONCodec } from 'nats';
import { Client } from 'pg';
import { addDays, localDate } from '@app/time';
import { CirculationFixture, KSL, refusal } from './support/circulation-fixture';

const SH = 'Asia/Shanghai';
const DAY = 86_400_000;
const ref = (barcode: string) => ({ agency: KSL, barcode });
const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY);

describe('exactly-once writes, offline transactions and renewal rules (real PostgreSQL + NATS)', () => {
  const fx = new CirculationFixture({ prefix: 'field', env: { LIBRARY_TIMEZONE: SH }, db: true });
  const { createPatron, checkout, checkin } = fx;
  let rpc: RpcTestClient;
  let db: Client;
  let recordId: string;
  const createItem = (barcode: string, extra: Record<string, unknown> = {}) => fx.createItem(barcode, recordId, extra);
  const openLoans = async (item: string) =>
    Number(
      (await db.query(`SELECT count(*) AS n FROM loans.loans WHERE item_barcode = $1 AND returned_at IS NULL`, [item]))
        .rows[0].n,
    );
  const exceptions = (branch?: string) =>
    rpc.request<Page<CirculationExceptionView>>(LoansOfflineExceptions.subject, {
      ...(branch ? { branch } : {}),
      limit: 100,
    });

  beforeAll(async () => {
    await fx.start();
    ({ rpc, db } = fx);
    await fx.registerKsl();
    recordId = await fx.newRecord('三体', { author: '刘慈欣' });
    for (const p of ['P-A', 'P-B', 'P-C', 'P-D']) await createPatron(p);
    await createPatron('P-LOSTCARD', { blocks: ['card_lost'] });
    await createPatron('P-KID', { patronType: 'child' });
  });

  afterAll(() => fx.stop());

  describe('idempotency keys', () => {
    it('answers a repeated checkout key with the first reply (not "already on loan"), and refuses the key for another request', async () => {
      await createItem('X-1');
      const key = `test:${randomUUID()}`;
      const first = await checkout('P-A', 'X-1', { idempotencyKey: key });
      const again = await checkout('P-A', 'X-1', { idempotencyKey: key });
      expect(again).toEqual(first);
      expect(await openLoans('X-1')).toBe(1);
      // without the key the same request is a new checkout: the item is out
      await expect(checkout('P-A', 'X-1')).rejects.toMatchObject(refusal(ErrorCode.ItemAlreadyOnLoan));
      await createItem('X-2');
      await expect(checkout('P-B', 'X-2', { idempotencyKey: key })).rejects.toMatchObject(
        refusal(ErrorCode.IdempotencyKeyReused),
      );
      expect(await openLoans('X-2')).toBe(0);

      const outcome = await rpc.request<IdempotencyOutcome>(LoansIdempotencyOutcome.subject, { key });
      expect(outcome).toMatchObject({ key, state: 'committed', reply: first });
    });

    it('two copies of one checkout racing each other: one loan, both answered with it', async () => {
      await createItem('X-3');
      const key = `test:${randomUUID()}`;
      const [a, b] = await Promise.all([
        checkout('P-A', 'X-3', { idempotencyKey: key }),
        checkout('P-A', 'X-3', { idempotencyKey: key }),
      ]);
      expect(a.loan.id).toBe(b.loan.id);
      expect(await openLoans('X-3')).toBe(1);
    });

    it('a checkin retried with its key gets its first answer, also after the copy was lent again', async () => {
      await createItem('X-4');
      await checkout('P-A', 'X-4');
      const key = `test:${randomUUID()}`;
      const first = await checkin('X-4', 'KSL-MAIN', { idempotencyKey: key });
      expect(first.wasOnLoan).toBe(true);
      await checkout('P-B', 'X-4');
      const again = await checkin('X-4', 'KSL-MAIN', { idempotencyKey: key });
      expect(again).toEqual(first);
      expect(await openLoans('X-4')).toBe(1); // P-B's loan is untouched
    });

    it('a hold placed again with its key answers the first hold, not HOLD_ALREADY_PLACED', async () => {
      await createItem('H-1');
      const dto = {
        patron: ref('P-D'),
        item: ref('H-1'),
        pickupBranch: 'KSL-MAIN',
        idempotencyKey: `test:${randomUUID()}`,
      };
      const first = await rpc.request<HoldView>(LoansHoldsPlace.subject, dto);
      const again = await rpc.request<HoldView>(LoansHoldsPlace.subject, dto);
      expect(again).toEqual(first);
      const { idempotencyKey: _key, ...plain } = dto;
      await expect(rpc.request(LoansHoldsPlace.subject, plain)).rejects.toMatchObject(
        refusal(ErrorCode.HoldAlreadyPlaced),
      );
    });

    it('never commits past the deadline: refused DEADLINE_PASSED, nothing lent', async () => {
      await createItem('X-5');
      const key = `test:${randomUUID()}`;
      await expect(
        checkout('P-A', 'X-5', { idempotencyKey: key, deadline: new Date(Date.now() - 1000).toISOString() }),
      ).rejects.toMatchObject(refusal(ErrorCode.DeadlinePassed));
      expect(await openLoans('X-5')).toBe(0);
    });

    it('an abandoned key can never commit later (tombstone), and says so', async () => {
      await createItem('X-6');
      const key = `test:${randomUUID()}`;
      const abandoned = await rpc.request<IdempotencyOutcome>(LoansIdempotencyOutcome.subject, { key, abandon: true });
      expect(abandoned).toEqual({ key, state: 'abandoned' });
      // the copy of the request that was still in flight arrives now
      await expect(checkout('P-A', 'X-6', { idempotencyKey: key })).rejects.toMatchObject(
        refusal(ErrorCode.RequestAbandoned),
      );
      expect(await openLoans('X-6')).toBe(0);
    });

    it('a checkout refused to its terminal after it committed (write-unresolved event) is undone and put on the exceptions list', async () => {
      await createItem('X-7');
      const key = `test:${randomUUID()}`;
      const { loan } = await checkout('P-C', 'X-7', { idempotencyKey: key });
      const nc = await connect({ servers: fx.env.natsUrl });
      try {
        const data = { key, subject: LoanSubjects.checkout, origin: 'sip2', refusedAt: new Date().toISOString() };
        const envelope = {
          id: randomUUID(),
          type: Sip2WriteUnresolved.subject,
          source: 'sip2',
          occurredAt: data.refusedAt,
          correlationId: null,
          data,
        };
        await nc.jetstream().publish(Sip2WriteUnresolved.subject, JSONCodec().encode(envelope), { msgID: envelope.id });
      } finally {
        await nc.close();
      }
      await eventually(async () => (await openLoans('X-7')) === 0);
      const list = await exceptions('KSL-MAIN');
      expect(list.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ reason: 'abandoned_after_commit', loanId: loan.id, item: ref('X-7') }),
        ]),
      );
      // and its key now answers "abandoned"
      await expect(checkout('P-C', 'X-7', { idempotencyKey: key })).rejects.toMatchObject(
        refusal(ErrorCode.RequestAbandoned),
      );
    });
  });

  describe('offline (no-block) transactions', () => {
    it('lends with the kiosk transaction date and due date, recorded as offline', async () => {
      await createItem('O-1');
      const at = new Date(Date.now() - 2 * DAY);
      const dueDate = addDays(localDate(new Date(), SH), 10);
      const { loan, exceptions: ex } = await checkout('P-A', 'O-1', {
        noBlock: true,
        transactionAt: at.toISOString(),
        dueDate,
        idempotencyKey: `test:${randomUUID()}`,
      });
      expect(loan.checkedOutAt).toBe(at.toISOString());
      expect(loan.dueDate).toBe(dueDate);
      expect(ex).toBeUndefined();
      expect((await db.query(`SELECT offline FROM loans.loans WHERE id = $1`, [loan.id])).rows[0].offline).toBe(true);
    });

    it('without a kiosk due date, computes it from the transaction date', async () => {
      await createItem('O-2');
      const at = new Date(Date.now() - 3 * DAY);
      const { loan } = await checkout('P-A', 'O-2', { noBlock: true, transactionAt: at.toISOString() });
      expect(loan.dueDate).toBe(addDays(localDate(at, SH), 30));
    });

    it('applies conflicts as far as is safe and lists them: item on loan to someone else, lost card', async () => {
      await createItem('O-3');
      const { loan: earlier } = await checkout('P-B', 'O-3');
      const at = new Date(Date.now() - 60_000);
      const r = await checkout('P-LOSTCARD', 'O-3', { noBlock: true, transactionAt: at.toISOString() });
      expect(r.exceptions?.map((e) => e.reason).sort()).toEqual(['card_lost', 'item_on_loan_to_other']);
      const closed = (await db.query(`SELECT returned_at FROM loans.loans WHERE id = $1`, [earlier.id])).rows[0];
      expect(closed.returned_at).not.toBeNull();
      expect(await openLoans('O-3')).toBe(1);
      const list = await exceptions('KSL-MAIN');
      expect(
        list.items
          .filter((e) => e.item.barcode === 'O-3')
          .map((e) => e.reason)
          .sort(),
      ).toEqual(['card_lost', 'item_on_loan_to_other']);
    });

    describe('holds', () => {
      const holdOf = async (patron: string, id: string) =>
        (await rpc.request<Page<HoldView>>(LoansHoldsList.subject, { patron: ref(patron), status: 'all' })).items.find(
          (h) => h.id === id,
        )!;
      /** a copy of a new title, on the KSL-MAIN hold shelf for `patron`'s title hold */
      const onShelfFor = async (patron: string, barcode: string) => {
        const record = await fx.newRecord(`球状闪电 ${barcode}`);
        await fx.createItem(barcode, record);
        await checkout('P-D', barcode);
        const hold = await rpc.request<HoldView>(LoansHoldsPlace.subject, {
          patron: ref(patron),
          recordId: record,
          pickupBranch: 'KSL-MAIN',
        });
        expect(await checkin(barcode, 'KSL-MAIN')).toMatchObject({ hold: { holdId: hold.id, status: 'ready' } });
        return hold;
      };

      it('lending a copy on the hold shelf for the same patron fills the hold, as a live checkout does', async () => {
        const hold = await onShelfFor('P-A', 'OH-1');
        const { loan, exceptions: ex } = await checkout('P-A', 'OH-1', {
          noBlock: true,
          transactionAt: new Date(Date.now() - 60_000).toISOString(),
        });
        expect(ex).toBeUndefined();
        expect(await holdOf('P-A', hold.id)).toMatchObject({ status: 'fulfilled', endReason: 'fulfilled' });
        const filled = await db.query(`SELECT loan_id FROM loans.holds WHERE id = $1`, [hold.id]);
        expect(filled.rows[0].loan_id).toBe(loan.id);
      });

      it("lending a copy set aside for another patron: lent, on the exceptions list, and that patron's hold waits again (trapped again at the next checkin)", async () => {
        const hold = await onShelfFor('P-A', 'OH-2');
        const r = await checkout('P-C', 'OH-2', {
          noBlock: true,
          transactionAt: new Date(Date.now() - 60_000).toISOString(),
        });
        expect(r.exceptions?.map((e) => e.reason)).toEqual(['item_held_for_other']);
        expect(await openLoans('OH-2')).toBe(1);
        const waiting = await holdOf('P-A', hold.id);
        expect(waiting).toMatchObject({ status: 'waiting', queuePosition: 1 });
        expect(waiting.trappedItem ?? null).toBeNull();
        const listed = (await exceptions('KSL-MAIN')).items.find((e) => e.id === r.exceptions![0].id);
        expect(listed).toMatchObject({ reason: 'item_held_for_other', loanId: r.loan.id, resolvedAt: null });
        expect(listed?.message).toContain(hold.id);
        // P-C brings it back: the existing trap rule sets it aside for P-A again
        expect(await checkin('OH-2', 'KSL-MAIN')).toMatchObject({ hold: { holdId: hold.id, status: 'ready' } });
      });
    });

    it('refuses a transaction date outside the window or in the future, never guessing', async () => {
      await createItem('O-4');
      await expect(
        checkout('P-A', 'O-4', { noBlock: true, transactionAt: new Date(Date.now() - 30 * DAY).toISOString() }),
      ).rejects.toMatchObject(refusal(ErrorCode.OfflineDateInvalid));
      await expect(
        checkout('P-A', 'O-4', { noBlock: true, transactionAt: new Date(Date.now() + DAY).toISOString() }),
      ).rejects.toMatchObject(refusal(ErrorCode.OfflineDateInvalid));
      expect(await openLoans('O-4')).toBe(0);
    });

    it('a back-dated checkin closes the loan and fines as of the return date', async () => {
      await createItem('O-5');
      const today = localDate(new Date(), SH);
      const dueDate = addDays(today, -5);
      await checkout('P-D', 'O-5', {
        noBlock: true,
        transactionAt: new Date(Date.now() - 6 * DAY).toISOString(),
        dueDate,
      });
      const returnedAt = new Date(Date.now() - DAY);
      const r = await checkin('O-5', 'KSL-MAIN', { returnedAt: returnedAt.toISOString() });
      expect(r.loan?.returnedAt).toBe(returnedAt.toISOString());
      // the default rule: 10 fen a day, no grace, every day open (no calendars): days after the due day up to the return day
      const days = daysBetween(dueDate, localDate(returnedAt, SH));
      expect(r.fine).toMatchObject({ amountFen: days * 10, chargeableDays: days });
      await expect(
        checkin('O-5', 'KSL-MAIN', { returnedAt: new Date(Date.now() - 40 * DAY).toISOString() }),
      ).rejects.toMatchObject(refusal(ErrorCode.OfflineDateInvalid));
    });

    it('the staff offline upload replays lines in time order, one result per line, conflicts on the exceptions list; uploading again changes nothing', async () => {
      await createItem('U-1');
      await createItem('U-2');
      const t = (hoursAgo: number) => new Date(Date.now() - hoursAgo * 3_600_000).toISOString();
      const upload = {
        branch: 'KSL-ZS',
        uploadedBy: 'desk-7',
        transactions: [
          // listed out of order on purpose: replayed by `at`
          { kind: 'checkout', at: t(2), item: ref('U-1'), patron: ref('P-B'), id: 'l3' },
          {
            kind: 'checkout',
            at: t(5),
            item: ref('U-1'),
            patron: ref('P-A'),
            dueDate: addDays(localDate(new Date(), SH), 14),
            id: 'l1',
          },
          { kind: 'renew', at: t(4), item: ref('U-1'), patron: ref('P-A'), id: 'l2' },
          { kind: 'checkin', at: t(1), item: ref('U-2'), id: 'l4' },
          { kind: 'checkout', at: t(1), item: ref('NO-SUCH'), patron: ref('P-A'), id: 'l5' },
        ],
      };
      const r = await rpc.request<OfflineUploadResult>(LoansOfflineUpload.subject, upload);
      expect(r.results.map((x) => [x.id, x.status])).toEqual([
        ['l1', 'applied'],
        ['l2', 'applied'],
        ['l3', 'exception'],
        ['l4', 'applied'],
        ['l5', 'refused'],
      ]);
      expect(r).toMatchObject({ applied: 3, exceptions: 1, refused: 1 });
      expect(r.results[2].code).toBe('item_on_loan_to_other');
      expect(r.results[4].code).toBe(ErrorCode.ItemUnknown);
      const open = await rpc.request<LoanView | null>(LoanSubjects.itemLoan, ref('U-1'));
      expect(open?.patron.barcode).toBe('P-B');
      const list = await exceptions('KSL-ZS');
      expect(list.items.filter((e) => e.item.barcode === 'U-1')).toHaveLength(1);

      const again = await rpc.request<OfflineUploadResult>(LoansOfflineUpload.subject, upload);
      expect(again.results.map((x) => [x.id, x.status])).toEqual(r.results.map((x) => [x.id, x.status]));
      expect((await exceptions('KSL-ZS')).items.filter((e) => e.item.barcode === 'U-1')).toHaveLength(1);
    });
  });

  describe('exceptions list', () => {
    const resolve = (id: string, note: string, resolvedBy = 'staff:desk-zs') =>
      rpc.request<CirculationExceptionView>(LoansOfflineExceptionResolve.subject, { id, note, resolvedBy });
    const listed = async (status: string | undefined, id: string, extra: Record<string, unknown> = {}) =>
      (
        await rpc.request<Page<CirculationExceptionView>>(LoansOfflineExceptions.subject, {
          branch: 'KSL-ZS',
          ...(status ? { status } : {}),
          limit: 200,
          ...extra,
        })
      ).items.some((e) => e.id === id);

    it('staff resolve an exception with a note: who and when are kept, the list filters open/resolved', async () => {
      await createItem('EX-1');
      const r = await checkout('P-LOSTCARD', 'EX-1', {
        noBlock: true,
        branch: 'KSL-ZS',
        transactionAt: new Date(Date.now() - 60_000).toISOString(),
      });
      const id = r.exceptions![0].id;
      expect(await listed(undefined, id)).toBe(true);
      expect(await listed('resolved', id)).toBe(false);

      const before = Date.now();
      const done = await resolve(id, 'card owner confirmed at the desk');
      expect(done).toMatchObject({
        id,
        resolvedBy: 'staff:desk-zs',
        resolutionNote: 'card owner confirmed at the desk',
      });
      expect(Date.parse(done.resolvedAt!)).toBeGreaterThanOrEqual(before - 5_000);
      expect(await listed(undefined, id)).toBe(false); // open is the default
      expect(await listed('open', id)).toBe(false);
      expect(await listed('resolved', id)).toBe(true);
      expect(await listed('all', id)).toBe(true);
      expect(await listed(undefined, id, { includeResolved: true })).toBe(true);

      // a retried request answers the resolution as it is; another resolution is a conflict naming the first
      await expect(resolve(id, 'card owner confirmed at the desk')).resolves.toEqual(done);
      await expect(resolve(id, 'something else', 'staff:other')).rejects.toMatchObject(refusal(ErrorCode.Conflict));
      await expect(resolve(randomUUID(), 'x')).rejects.toMatchObject(refusal(ErrorCode.NotFound));
      await expect(resolve(id, '')).rejects.toMatchObject(refusal(ErrorCode.ValidationFailed));
    });
  });

  describe('rules', () => {
    it('refuses a renewal before N days before due (RENEWAL_TOO_SOON with the first day it is allowed)', async () => {
      await rpc.request(LoanRuleSubjects.upsert, {
        id: 'zs-renew-late',
        scope: 'KSL-ZS',
        patronType: '*',
        itemType: '*',
        loanDays: 21,
        maxRenewals: 2,
        renewalDays: 21,
        maxItems: 20,
        renewWithinDays: 3,
      });
      await createItem('R-1', { homeBranch: 'KSL-ZS' });
      const { loan } = await checkout('P-C', 'R-1');
      const err = await fx
        .renew('P-C', 'R-1')
        .catch((e: { payload: { code: string; details: Record<string, unknown> } }) => e.payload);
      expect(err).toMatchObject({
        code: ErrorCode.RenewalTooSoon,
        details: { dueDate: loan.dueDate, renewableFrom: addDays(loan.dueDate, -3), renewWithinDays: 3 },
      });
      // an offline renewal is applied anyway and listed
      const offline = await rpc.request<RenewResult>(LoanSubjects.renew, {
        patron: ref('P-C'),
        item: ref('R-1'),
        noBlock: true,
        branch: 'KSL-ZS',
      });
      expect(offline.loan.renewals).toBe(1);
      expect(offline.exceptions?.map((e) => e.reason)).toEqual(['renewal_too_soon']);
    });

    it('claimed-returned loans stop counting toward the limits', async () => {
      await rpc.request(LoanRuleSubjects.upsert, {
        id: 'ksl-kid-one',
        scope: KSL,
        patronType: 'child',
        itemType: '*',
        loanDays: 14,
        maxRenewals: 1,
        renewalDays: 14,
        maxItems: 1,
      });
      await createItem('C-1');
      await createItem('C-2');
      await checkout('P-KID', 'C-1');
      await expect(checkout('P-KID', 'C-2')).rejects.toMatchObject(refusal(ErrorCode.TooManyItems));
      await rpc.request(FineSubjects.claimReturned, { item: ref('C-1'), patron: ref('P-KID') });
      const { loan } = await checkout('P-KID', 'C-2');
      expect(loan.item.barcode).toBe('C-2');
    });
  });

  it('keeps live checkouts unchanged when no key is sent (one loan, refusals as before)', async () => {
    await createItem('L-1');
    const r: CheckoutResult = await checkout('P-D', 'L-1');
    expect(r.exceptions).toBeUndefined();
    expect(
      (
        await db.query(`SELECT count(*)::int AS n FROM loans.idempotency_keys WHERE reply->'loan'->>'id' = $1`, [
          r.loan.id,
        ])
      ).rows[0].n,
    ).toBe(0);
  });
});
