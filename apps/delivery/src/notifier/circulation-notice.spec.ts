import { HoldEventData, HoldReady, LoanEventData, LoanRecalled } from '@app/contracts';
import { circulationNoticeFor } from './circulation-notice';
import { loggable } from './notice';

const hold: HoldEventData = {
  holdId: 'h-1',
  patron: { agency: 'CN-320583-1-KSL', barcode: 'P0000001' },
  level: 'title',
  recordId: 'r-1',
  title: '活着',
  pickupBranch: 'KSL-MAIN',
  status: 'ready',
  item: { agency: 'CN-320583-1-KSL', barcode: 'I0000001' },
  pickupDeadline: '2026-12-10T15:59:59.000Z',
  pickupDeadlineDate: '2026-12-10',
  channel: 'sip2',
};
const loan: LoanEventData = {
  loanId: 'l-1',
  patron: { agency: 'CN-320583-1-KSL', barcode: 'P0000001' },
  item: { agency: 'CN-320585-1-TCL', barcode: 'T0000042' },
  branch: 'KSL-MAIN',
  channel: 'ncip',
  dueAt: '2026-12-10T15:59:59.000Z',
};
const ctx = {
  phone: '13800001234',
  title: '活着',
  branchName: '总馆',
  tz: 'Asia/Shanghai',
  now: new Date('2026-12-03T08:00:00Z'),
};

describe('circulation notices', () => {
  it('tells the reader which title waits where, until when (local time); logs neither phone nor text', () => {
    const built = circulationNoticeFor({ type: HoldReady.subject, data: hold }, ctx)!;
    expect(built.reference).toBe('hold-ready:h-1:2026-12-10T15:59:59.000Z');
    expect(built.notice).toMatchObject({
      orderId: null,
      holdId: 'h-1',
      template: 'hold_ready',
      phone: '13800001234',
      params: { titles: '活着', branch: '总馆', deadline: '12月10日 23:59' },
    });
    expect(built.notice.text).toBe('【书香鹿城】您预约的《活着》已到总馆，请于12月10日 23:59前凭读者证到借还处取书。');
    const logged = JSON.stringify(loggable({ ...built.notice, eventId: 'e-1' }));
    expect(logged).toContain('h-1');
    expect(logged).not.toContain('13800001234');
    expect(logged).not.toContain('活着');
  });

  it('a hold re-shelved with a new deadline is a new notice; none for an O2O order copy, no deadline or one passed', () => {
    const again = circulationNoticeFor(
      { type: HoldReady.subject, data: { ...hold, pickupDeadline: '2026-12-17T15:59:59.000Z' } },
      ctx,
    )!;
    expect(again.reference).not.toBe(circulationNoticeFor({ type: HoldReady.subject, data: hold }, ctx)!.reference);
    expect(circulationNoticeFor({ type: HoldReady.subject, data: { ...hold, channel: 'o2o' } }, ctx)).toBeNull();
    expect(
      circulationNoticeFor({ type: HoldReady.subject, data: { ...hold, pickupDeadline: undefined } }, ctx),
    ).toBeNull();
    // handled only after the deadline passed: the copy is gone from the shelf
    expect(
      circulationNoticeFor({ type: HoldReady.subject, data: hold }, { ...ctx, now: new Date('2026-12-11T00:00:00Z') }),
    ).toBeNull();
  });

  it('tells a recalled reader the new due date; the same recall twice is one reference', () => {
    const built = circulationNoticeFor({ type: LoanRecalled.subject, data: loan }, ctx)!;
    expect(built.notice).toMatchObject({
      orderId: null,
      loanId: 'l-1',
      template: 'recalled',
      params: { titles: '活着', dueDate: '12月10日 23:59' },
    });
    expect(built.notice.text).toContain('请于12月10日 23:59前归还');
    expect(circulationNoticeFor({ type: LoanRecalled.subject, data: { ...loan } }, ctx)!.reference).toBe(
      built.reference,
    );
    expect(
      circulationNoticeFor({ type: LoanRecalled.subject, data: { ...loan, dueAt: '2026-12-08T15:59:59.000Z' } }, ctx)!
        .reference,
    ).not.toBe(built.reference);
  });
});
