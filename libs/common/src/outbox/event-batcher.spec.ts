import type { EventEnvelope } from '@app/contracts';
import { JSONCodec } from 'nats';
import { requestContext } from '../logging/request-context';
import { BatchableMsg, batchCorrelationId, EventBatcher, retryDelay } from './event-batcher';

const codec = JSONCodec<EventEnvelope>();

class FakeMsg implements BatchableMsg {
  settled: 'ack' | 'term' | `nak ${number}` | undefined;
  readonly data: Uint8Array;
  readonly info: { redeliveryCount: number };
  constructor(
    readonly subject: string,
    event: EventEnvelope | string,
    redeliveryCount = 1,
  ) {
    this.data = typeof event === 'string' ? new TextEncoder().encode(event) : codec.encode(event);
    this.info = { redeliveryCount };
  }
  ack(): void {
    this.settled = 'ack';
  }
  nak(millis?: number): void {
    this.settled = `nak ${millis ?? 0}`;
  }
  term(): void {
    this.settled = 'term';
  }
}

const SUBJECT = 'events.loans.loan-created.v1';
const event = (id: string, correlationId?: string): EventEnvelope => ({
  id,
  type: SUBJECT,
  source: 'loans',
  occurredAt: '2026-03-01T08:00:00.000Z',
  correlationId,
  data: {},
});
const msg = (id: string, correlationId?: string, redeliveryCount?: number) =>
  new FakeMsg(SUBJECT, event(id, correlationId), redeliveryCount);
const ticks = async (n = 5) => {
  for (let i = 0; i < n; i++) await Promise.resolve();
};

describe('EventBatcher', () => {
  let batches: { ids: string[]; correlationId?: string }[];
  let logs: string[];
  const logger = { warn: (m: string) => logs.push(`warn ${m}`), error: (m: string) => logs.push(`error ${m}`) };
  const recording = (fail?: (events: EventEnvelope[]) => boolean) => async (events: EventEnvelope[]) => {
    batches.push({ ids: events.map((e) => e.id), correlationId: requestContext.correlationId() });
    await new Promise((r) => setTimeout(r, 5)); // the database round trip
    if (fail?.(events)) throw new Error('boom');
  };

  beforeEach(() => {
    batches = [];
    logs = [];
  });

  it('handles a lone message at once, without waiting for more', async () => {
    const b = new EventBatcher({ maxBatch: 100, handler: recording(), logger });
    const m = msg('e1', 'c1');
    b.push(m);
    await ticks();
    expect(batches).toEqual([{ ids: ['e1'], correlationId: 'c1' }]); // started before any timer ran
    await b.idle();
    expect(m.settled).toBe('ack');
  });

  it('takes everything that arrived together, and what arrives meanwhile in the next batch (up to maxBatch)', async () => {
    const b = new EventBatcher({ maxBatch: 3, handler: recording(), logger });
    const first = ['a1', 'a2'].map((id) => msg(id));
    first.forEach((m) => b.push(m));
    await ticks();
    const later = ['b1', 'b2', 'b3', 'b4'].map((id) => msg(id));
    later.forEach((m) => b.push(m)); // while the first batch is in the handler
    await b.idle();
    expect(batches.map((x) => x.ids)).toEqual([['a1', 'a2'], ['b1', 'b2', 'b3'], ['b4']]);
    expect([...first, ...later].map((m) => m.settled)).toEqual(Array(6).fill('ack'));
  });

  it('does not ack before the handler succeeded', async () => {
    const b = new EventBatcher({ maxBatch: 10, handler: recording(), logger });
    const ms = [msg('e1'), msg('e2')];
    ms.forEach((m) => b.push(m));
    await ticks();
    expect(ms.map((m) => m.settled)).toEqual([undefined, undefined]);
    await b.idle();
    expect(ms.map((m) => m.settled)).toEqual(['ack', 'ack']);
  });

  it('on failure retries each event alone: the bad one is nak-ed with back-off, the others acked', async () => {
    const b = new EventBatcher({
      maxBatch: 10,
      handler: recording((events) => events.some((e) => e.id === 'bad')),
      logger,
    });
    const ms = [msg('e1', 'c1'), msg('bad', 'c2', 3), msg('e3', 'c3')];
    ms.forEach((m) => b.push(m));
    await b.idle();
    expect(batches).toEqual([
      { ids: ['e1', 'bad', 'e3'], correlationId: expect.any(String) },
      { ids: ['e1'], correlationId: 'c1' },
      { ids: ['bad'], correlationId: 'c2' },
      { ids: ['e3'], correlationId: 'c3' },
    ]);
    expect(ms.map((m) => m.settled)).toEqual(['ack', `nak ${retryDelay(3)}`, 'ack']);
    expect(logs).toEqual([
      expect.stringMatching(/^warn batch of 3 events failed, handling them one by one: boom/),
      expect.stringMatching(/^warn event bad .* failed, retry in 4000 ms: boom/),
    ]);
  });

  it('a lone failing event is nak-ed without a second try', async () => {
    const b = new EventBatcher({ maxBatch: 10, handler: recording(() => true), logger });
    const m = msg('bad', undefined, 1);
    b.push(m);
    await b.idle();
    expect(batches.map((x) => x.ids)).toEqual([['bad']]);
    expect(m.settled).toBe('nak 1000');
  });

  it('acks subjects it does not want and terminates undecodable messages without calling the handler for them', async () => {
    const b = new EventBatcher({ subjects: [SUBJECT], maxBatch: 10, handler: recording(), logger });
    const other = new FakeMsg('events.loans.renewed.v1', event('r1'));
    const garbage = new FakeMsg(SUBJECT, '{not json');
    const good = msg('e1');
    [other, garbage, good].forEach((m) => b.push(m));
    await b.idle();
    expect(batches.map((x) => x.ids)).toEqual([['e1']]);
    expect([other.settled, garbage.settled, good.settled]).toEqual(['ack', 'term', 'ack']);
    expect(logs).toEqual([`error dropping undecodable event on ${SUBJECT}`]);
  });

  it('after stop takes nothing more (unacked messages are redelivered)', async () => {
    const b = new EventBatcher({ maxBatch: 1, handler: recording(), logger });
    const ms = [msg('e1'), msg('e2')];
    ms.forEach((m) => b.push(m));
    await ticks();
    b.stop();
    b.push(msg('e3'));
    await b.idle();
    expect(batches.map((x) => x.ids)).toEqual([['e1']]);
    expect(ms.map((m) => m.settled)).toEqual(['ack', undefined]);
  });

  it('runs a batch under its events’ correlation id when they share one, else under a new one', () => {
    expect(batchCorrelationId([event('e1', 'c'), event('e2', 'c')])).toBe('c');
    expect(batchCorrelationId([event('e1')])).toBe('e1');
    const mixed = batchCorrelationId([event('e1', 'c1'), event('e2', 'c2')]);
    expect(mixed).not.toBe('c1');
    expect(mixed).not.toBe('c2');
  });
});
