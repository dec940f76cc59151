import { EventConsumerService } from '@app/common';
import { EventEnvelope, EventSubjects, LostItemEventSubjects, TransitEventSubjects } from '@app/contracts';
import { ItemRepository } from '../repositories/item.repository';
import { ItemService } from '../services/item.service';
import { LoanEventsConsumer, LoanStatusEvent, statusChangeOf } from './loan-events.consumer';

describe('LoanEventsConsumer', () => {
  const KSL = 'CN-320583-1-KSL';
  let calls: unknown[][];
  const repo = {
    applyStatusIfNewer: async (...args: unknown[]) => (calls.push(['status', ...args]), true),
  } as unknown as ItemRepository;
  const items = {
    applyLoanState: async (...args: unknown[]) => (calls.push(['loan', ...args]), true),
    applyStatusChanges: async (changes: unknown[]) => (calls.push(['batch', changes]), changes.length),
    announceLendability: async () => undefined,
  } as unknown as ItemService;
  const consumer = new LoanEventsConsumer({} as EventConsumerService, items, repo);
  const envelope = (type: string, data: unknown, occurredAt = '2026-03-01T08:00:00.001Z'): LoanStatusEvent =>
    ({ id: 'e1', type, source: 'loans', occurredAt, data }) as EventEnvelope as LoanStatusEvent;

  beforeEach(() => (calls = []));

  it('mirrors in_transit / on_hold_shelf / available with the location and the event time', async () => {
    await consumer.handle(
      envelope(TransitEventSubjects.itemStatusChanged, {
        item: { agency: KSL, barcode: 'B1' },
        status: 'in_transit',
        location: 'KSL-ZS',
        destination: 'KSL-MAIN',
      }),
    );
    await consumer.handle(
      envelope(TransitEventSubjects.itemStatusChanged, {
        item: { agency: KSL, barcode: 'B1' },
        status: 'on_hold_shelf',
        location: 'KSL-MAIN',
      }),
    );
    expect(calls).toEqual([
      ['status', KSL, 'B1', 'in_transit', new Date('2026-03-01T08:00:00.001Z'), 'KSL-ZS'],
      ['status', KSL, 'B1', 'on_hold_shelf', new Date('2026-03-01T08:00:00.001Z'), 'KSL-MAIN'],
    ]);
  });

  it('still mirrors loans: on_loan without moving it, available where it was returned', async () => {
    const data = {
      loanId: 'l',
      patron: { agency: KSL, barcode: 'P1' },
      item: { agency: KSL, barcode: 'B1' },
      branch: 'KSL-ZS',
      channel: 'sip2',
      dueAt: '',
    };
    await consumer.handle(envelope(EventSubjects.loanCreated, data));
    await consumer.handle(envelope(EventSubjects.loanClosed, data));
    expect(calls.map((c) => [c[0], c[3], c[5]])).toEqual([
      ['loan', true, undefined],
      ['loan', false, 'KSL-ZS'],
    ]);
  });

  it('applies a batch in one call, in delivery order, with the same decisions as one by one', async () => {
    const loan = (barcode: string) => ({
      loanId: 'l',
      patron: { agency: KSL, barcode: 'P1' },
      item: { agency: KSL, barcode },
      branch: 'KSL-ZS',
      channel: 'sip2',
      dueAt: '',
    });
    const t = (ms: number) => `2026-03-01T08:00:00.${String(ms).padStart(3, '0')}Z`;
    const events = [
      envelope(EventSubjects.loanCreated, loan('B1'), t(1)),
      envelope(EventSubjects.loanClosed, loan('B2'), t(2)),
      envelope(
        TransitEventSubjects.itemStatusChanged,
        { item: { agency: KSL, barcode: 'B3' }, status: 'in_transit', location: 'KSL-ZS', destination: 'KSL-MAIN' },
        t(3),
      ),
      envelope(LostItemEventSubjects.loanLost, loan('B4'), t(4)),
      envelope(LostItemEventSubjects.loanClaimedReturned, loan('B5'), t(5)),
      envelope(LostItemEventSubjects.lostItemFound, loan('B6'), t(6)),
      envelope(EventSubjects.loanCreated, loan('B1'), t(0)), // older, delivered later
    ];
    await consumer.handleBatch(events);
    expect(calls).toEqual([
      [
        'batch',
        [
          { agency: KSL, barcode: 'B1', status: 'on_loan', at: new Date(t(1)), location: undefined },
          { agency: KSL, barcode: 'B2', status: 'available', at: new Date(t(2)), location: 'KSL-ZS' },
          { agency: KSL, barcode: 'B3', status: 'in_transit', at: new Date(t(3)), location: 'KSL-ZS' },
          { agency: KSL, barcode: 'B4', status: 'lost', at: new Date(t(4)), location: undefined },
          { agency: KSL, barcode: 'B5', status: 'claimed_returned', at: new Date(t(5)), location: undefined },
          { agency: KSL, barcode: 'B6', status: 'available', at: new Date(t(6)), location: 'KSL-ZS' },
          { agency: KSL, barcode: 'B1', status: 'on_loan', at: new Date(t(0)), location: undefined },
        ],
      ],
    ]);

    // each of those is exactly what handle() passes to the single-row update
    for (const e of events) {
      calls = [];
      await consumer.handle(e);
      const [kind, agency, barcode, statusOrOnLoan, at, location] = calls[0];
      const status = kind === 'loan' ? (statusOrOnLoan ? 'on_loan' : 'available') : statusOrOnLoan;
      expect({ agency, barcode, status, at, location }).toEqual(statusChangeOf(e));
    }
  });

  it('a lone event takes the single-row update', async () => {
    await consumer.handleBatch([
      envelope(TransitEventSubjects.itemStatusChanged, {
        item: { agency: KSL, barcode: 'B1' },
        status: 'on_hold_shelf',
        location: 'KSL-MAIN',
      }),
    ]);
    expect(calls).toEqual([['status', KSL, 'B1', 'on_hold_shelf', new Date('2026-03-01T08:00:00.001Z'), 'KSL-MAIN']]);
  });
});
