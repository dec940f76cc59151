import { DeliveryEventSubjects, OrderEventData } from '@app/contracts';

export type NoticeTemplate =
  | 'ready'
  | 'reminder'
  | 'expired'
  | 'code_locked'
  | 'delivered'
  | 'handed_over'
  | 'cancelled'
  | 'overdue'
  // circulation notices (not about an O2O order): notifier/circulation-notice.ts
  | 'hold_ready'
  | 'recalled';

/** One message to one reader. `params.code` is present only in `ready` notices. */
export interface Notice {
  eventId: string;
  /** the O2O order; null for a circulation notice, which names its hold or loan instead */
  orderId: string | null;
  holdId?: string;
  loanId?: string;
  template: NoticeTemplate;
  patron: { agency: string; barcode: string };
  phone: string | null;
  params: Record<string, string>;
  /** the rendered Chinese text (what an SMS says) */
  text: string;
}

export interface NoticeSender {
  readonly channel: string;
  send(notice: Notice): Promise<void>;
}
export const NOTICE_SENDER = Symbol('NOTICE_SENDER');

/** Local date-time in the library's zone, as a reader reads it: 12月06日 18:00 */
export function localDeadline(iso: string | null, tz: string): string {
  if (!iso) return '';
  const f = new Intl.DateTimeFormat('zh-CN', {
    timeZone: tz,
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });
  const p = Object.fromEntries(f.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.month}月${p.day}日 ${p.hour}:${p.minute}`;
}

/** Which events tell the reader something, and what. Others (picked, packed …) are only on the timeline. */
export function noticeFor(
  type: string,
  d: OrderEventData,
  code: string | null,
  tz: string,
): Omit<Notice, 'eventId'> | null {
  const titles = d.titles.join('、');
  const base = { orderId: d.orderId, patron: d.patron, phone: d.phone ?? null };
  const by = localDeadline(d.pickupDeadline, tz);
  const where = d.lockerName ?? d.locker ?? '';
  switch (type) {
    case DeliveryEventSubjects.parcelReady:
      if (!code) return null;
      return {
        ...base,
        template: 'ready',
        params: { locker: where, compartment: String(d.compartment ?? ''), code, deadline: by, titles },
        text: `【书香鹿城】您预借的《${titles}》已送达${where}，取书码 ${code}，请于${by}前取书。`,
      };
    case DeliveryEventSubjects.parcelReminder:
      return {
        ...base,
        template: 'reminder',
        params: { locker: where, deadline: by, titles },
        text: `【书香鹿城】您在${where}的图书《${titles}》将于${by}到期未取，请尽快取书。`,
      };
    case DeliveryEventSubjects.parcelExpired:
      return {
        ...base,
        template: 'expired',
        params: { locker: where, titles },
        text: `【书香鹿城】您在${where}的图书《${titles}》已超时未取，订单已取消。`,
      };
    case DeliveryEventSubjects.pickupCodeLocked:
      return {
        ...base,
        template: 'code_locked',
        params: { locker: where },
        text: `【书香鹿城】您在${where}的取书码因多次输错已锁定，请在应用中重新获取。`,
      };
    case DeliveryEventSubjects.loanOverdue:
      return {
        ...base,
        template: 'overdue',
        params: { titles, dueDate: d.dueDate ?? '' },
        text: `【书香鹿城】您借阅的《${titles}》已于${d.dueDate ?? ''}到期，请尽快归还到任一借阅柜或图书馆。`,
      };
    case DeliveryEventSubjects.orderDelivered:
      return {
        ...base,
        template: 'delivered',
        params: { titles },
        text: `【书香鹿城】您借阅的《${titles}》已送达，借期已开始，请按时归还。`,
      };
    case DeliveryEventSubjects.orderEnded:
      if (d.status !== 'cancelled' && d.status !== 'failed') return null;
      return {
        ...base,
        template: 'cancelled',
        params: { titles },
        text: `【书香鹿城】您的借阅订单《${titles}》已取消。`,
      };
    default:
      if (d.action === 'hand_over')
        return {
          ...base,
          template: 'handed_over',
          params: { titles },
          text: `【书香鹿城】您借阅的《${titles}》已交快递配送。`,
        };
      return null;
  }
}

/** What may be logged of a notice: never the code, the phone or the text. */
export function loggable(n: Notice): Record<string, unknown> {
  return {
    eventId: n.eventId,
    orderId: n.orderId,
    ...(n.holdId ? { holdId: n.holdId } : {}),
    ...(n.loanId ? { loanId: n.loanId } : {}),
    template: n.template,
    patron: `${n.patron.agency}/${n.patron.barcode}`,
    params: Object.keys(n.params),
  };
}
