import { EventConsumerService } from '@app/common';
import { EventEnvelope, EventSubjects, TransitEventSubjects } from '@app/contracts';
import { ItemRepository } from '../repositories/item.repository';
import { ItemService } from '../services/item.service';
import { LoanEventsConsumer } from './loan-events.consumer';

describe('LoanEventsConsumer', () => {
  const KSL = 'CN-320583-1-KSL';
  let calls: unknown[][];
  const repo = { applyStatusIfNewer: async (...args: unknown[]) => (calls.push(['status', ...args]), true) } as unknown as ItemRepository;
  const items = { applyLoanState: async (...args: unknown[]) => (calls.push(['loan', ...args]), true) } as unknown as ItemService;
  const consumer = new LoanEventsConsumer({} as EventConsumerService, items, repo);
  const envelope = (type: string, data: unknown, occurredAt = '2026-03-01T08:00:00.001Z'): EventEnvelope => ({ id: 'e1', type, source: 'loans', occurredAt, data });

  beforeEach(() => (calls = []));

  it('mirrors in_transit / on_hold_shelf / available with the location and the event time', async () => {
    await consumer.handle(envelope(TransitEventSubjects.itemStatusChanged, { item: { agency: KSL, barcode: 'B1' }, status: 'in_transit', location: 'KSL-ZS', destination: 'KSL-MAIN' }));
    await consumer.handle(envelope(TransitEventSubjects.itemStatusChanged, { item: { agency: KSL, barcode: 'B1' }, status: 'on_hold_shelf', location: 'KSL-MAIN' }));
    expect(calls).toEqual([
      ['status', KSL, 'B1', 'in_transit', new Date('2026-03-01T08:00:00.001Z'), 'KSL-ZS'],
      ['status', KSL, 'B1', 'on_hold_shelf', new Date('2026-03-01T08:00:00.001Z'), 'KSL-MAIN'],
    ]);
  });

  it('still mirrors loans: on_loan without moving it, available where it was returned', async () => {
    const data = { loanId: 'l', patron: { agency: KSL, barcode: 'P1' }, item: { agency: KSL, barcode: 'B1' }, branch: 'KSL-ZS', channel: 'sip2', dueAt: '' };
    await consumer.handle(envelope(EventSubjects.loanCreated, data));
    await consumer.handle(envelope(EventSubjects.loanClosed, data));
    expect(calls.map((c) => [c[0], c[3], c[5]])).toEqual([
      ['loan', true, undefined],
      ['loan', false, 'KSL-ZS'],
    ]);
  });
});
