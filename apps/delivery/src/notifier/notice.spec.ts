import { DeliveryEventSubjects, OrderEventData } from '@app/contracts';
import { localDeadline, loggable, noticeFor } from './notice';
import { parseTemplates } from './senders';

const data: OrderEventData = {
  orderId: 'o-1',
  patron: { agency: 'CN-320583-1-KSL', barcode: 'P0000001' },
  status: 'in_locker',
  mode: 'locker',
  action: 'deposited',
  locker: 'KSL-LK-BC',
  lockerName: '巴城镇行政服务中心 智能借阅柜',
  compartment: 3,
  pickupDeadline: '2026-12-06T10:00:00.000Z',
  titles: ['红楼梦', '活着'],
  phone: '13800001234',
};

describe('reader notices', () => {
  it('says where, which code and by when (local time) in the ready notice; logs none of it', () => {
    const n = noticeFor(DeliveryEventSubjects.parcelReady, data, '12345678', 'Asia/Shanghai')!;
    expect(n.template).toBe('ready');
    expect(n.text).toBe(
      '【书香鹿城】您预借的《红楼梦、活着》已送达巴城镇行政服务中心 智能借阅柜，取书码 12345678，请于12月06日 18:00前取书。',
    );
    expect(n.params).toMatchObject({ code: '12345678', compartment: '3', deadline: '12月06日 18:00' });
    const logged = JSON.stringify(loggable({ ...n, eventId: 'e-1' }));
    expect(logged).not.toContain('12345678');
    expect(logged).not.toContain('13800001234');
  });

  it('has no ready notice without a code, and none for internal steps', () => {
    expect(noticeFor(DeliveryEventSubjects.parcelReady, data, null, 'Asia/Shanghai')).toBeNull();
    expect(
      noticeFor(DeliveryEventSubjects.orderUpdated, { ...data, action: 'pick' }, null, 'Asia/Shanghai'),
    ).toBeNull();
    expect(noticeFor(DeliveryEventSubjects.parcelReminder, data, null, 'Asia/Shanghai')!.template).toBe('reminder');
    expect(
      noticeFor(DeliveryEventSubjects.orderEnded, { ...data, status: 'cleared' }, null, 'Asia/Shanghai'),
    ).toBeNull();
  });

  it('reads template maps and formats deadlines', () => {
    expect(parseTemplates('ready=SMS_1, reminder = SMS_2,bad')).toEqual({ ready: 'SMS_1', reminder: 'SMS_2' });
    expect(localDeadline(null, 'Asia/Shanghai')).toBe('');
  });
});
