import { HoldEventData, HoldReady, LoanEventData, LoanRecalled } from '@app/contracts';
import { localDeadline, Notice } from './notice';

/** What the notifier looked up for a circulation notice: the reader's contact, the title, the branch's name. */
export interface CirculationNoticeContext {
  phone: string | null;
  title: string;
  branchName: string;
  tz: string;
  now: Date;
}

export type CirculationNoticeEvent =
  { type: typeof HoldReady.subject; data: HoldEventData } | { type: typeof LoanRecalled.subject; data: LoanEventData };

/**
 * The reader's notice for a circulation event: a hold waiting on the hold shelf, a loan recalled
 * (due sooner). `reference` says what the notice is about and when; a notice with a reference already
 * sent is not sent again (a repeated recall that changed nothing, a redelivered event).
 */
export function circulationNoticeFor(
  event: CirculationNoticeEvent,
  ctx: CirculationNoticeContext,
): { notice: Omit<Notice, 'eventId'>; reference: string } | null {
  const title = ctx.title;
  if (event.type === HoldReady.subject) {
    const d = event.data;
    // an O2O order's copy: the reader hears of the order (parcel ready, delivered), not of its hold
    if (!d.pickupDeadline || d.channel === 'o2o') return null;
    // handled after the deadline (the notifier was down): the copy is no longer kept, say nothing
    if (Date.parse(d.pickupDeadline) <= ctx.now.getTime()) return null;
    const by = localDeadline(d.pickupDeadline, ctx.tz);
    return {
      reference: `hold-ready:${d.holdId}:${d.pickupDeadline}`,
      notice: {
        orderId: null,
        holdId: d.holdId,
        template: 'hold_ready',
        patron: d.patron,
        phone: ctx.phone,
        params: { titles: title, branch: ctx.branchName, deadline: by },
        text: `【书香鹿城】您预约的《${title}》已到${ctx.branchName}，请于${by}前凭读者证到借还处取书。`,
      },
    };
  }
  const d = event.data;
  const due = localDeadline(d.dueAt, ctx.tz);
  return {
    reference: `recalled:${d.loanId}:${d.dueAt}`,
    notice: {
      orderId: null,
      loanId: d.loanId,
      template: 'recalled',
      patron: d.patron,
      phone: ctx.phone,
      params: { titles: title, dueDate: due },
      text: `【书香鹿城】您借阅的《${title}》被所属图书馆召回，请于${due}前归还到任一图书馆或借阅柜。`,
    },
  };
}
