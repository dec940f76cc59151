import { as, broadcast, ContractHandler, event, NoPayload, ReplyOf, RequestOf } from './contract';
import { EnvelopeOf, EventEnvelope, isEvent, LoanEventData } from './events/event-envelope';
import { CheckoutDto, CheckoutResult } from './loans/loan.dto';
import {
  ContractRegistry,
  HealthCheck,
  LoanClosed,
  LoanCreated,
  LoansCheckout,
  LoansHoldsList,
  ItemStatusChanged,
  CatalogListAgencies,
} from './registry';
import * as legacy from './legacy-subjects';

describe('contracts', () => {
  it('declares a subject with its request DTO class and a reply type', () => {
    expect(LoansCheckout).toEqual({
      kind: 'rpc',
      subject: 'loans.checkout.v1',
      request: CheckoutDto,
      reply: expect.anything(),
    });
    expect(Object.isFrozen(LoansCheckout)).toBe(true);
    expect(HealthCheck('loans').subject).toBe('loans.health.v1');
    expect(broadcast('x.y.v1', as<{ a: number }>()).kind).toBe('broadcast');
  });

  it('refuses an event subject outside the events stream', () => {
    expect(() => event('loans.loan-created.v1', as<LoanEventData>())).toThrow(/must start with events\./);
  });

  it('lists every subject once in the registry', () => {
    const subjects = ContractRegistry.map((c) => c.subject);
    expect(new Set(subjects).size).toBe(subjects.length);
    expect(subjects).toEqual(
      expect.arrayContaining([
        'loans.checkout.v1',
        'events.loans.loan-created.v1',
        'loans.cache-invalidated.v1',
        'sip2.metrics.v1',
      ]),
    );
    expect(ContractRegistry.filter((c) => c.kind === 'event').every((c) => c.subject.startsWith('events.'))).toBe(true);
  });

  it('keeps the old subject tables as the same strings (wire compatibility)', () => {
    expect(legacy.LoanSubjects.checkout).toBe('loans.checkout.v1');
    expect(legacy.HoldEventSubjects.holdReady).toBe('events.loans.hold-ready.v1');
    expect(legacy.CalendarSubjects.cacheInvalidated).toBe('loans.cache-invalidated.v1');
    const legacySubjects = Object.values(legacy).flatMap((table) => Object.values(table));
    const registered = new Set(ContractRegistry.map((c) => c.subject));
    expect(legacySubjects.filter((s) => !registered.has(s))).toEqual([]);
  });

  it('narrows an event envelope by its contract', () => {
    const e: EventEnvelope = {
      id: '1',
      type: LoanCreated.subject,
      source: 'loans',
      occurredAt: '2026-01-01T00:00:00Z',
      data: {},
    };
    expect(isEvent(LoanCreated, e)).toBe(true);
    expect(isEvent(LoanClosed, e)).toBe(false);
  });
});

/*
 * Compile-time checks: `tsc --noEmit` (run by `npm test`) fails when a `@ts-expect-error` line below
 * stops being an error, i.e. when the contracts stop checking what they promise to check.
 */
export function typeTests(): void {
  const ref = { agency: 'CN-320583-1-KSL', barcode: 'B1' };
  const ok: RequestOf<typeof LoansCheckout> = { patron: ref, item: ref, branch: 'KSL-MAIN' };
  // @ts-expect-error a checkout needs the item
  const missing: RequestOf<typeof LoansCheckout> = { patron: ref, branch: 'KSL-MAIN' };
  // @ts-expect-error channel is one of CirculationChannels
  const badChannel: RequestOf<typeof LoansCheckout> = { ...ok, channel: 'fax' };
  const reply: ReplyOf<typeof LoansCheckout> = {} as CheckoutResult;
  // @ts-expect-error the reply is a CheckoutResult, not a number
  const wrongReply: number = {} as ReplyOf<typeof LoansCheckout>;
  // all-optional DTOs are not mistaken for NoPayload; NoPayload subjects take {}
  const list: RequestOf<typeof LoansHoldsList> = { patron: ref };
  const none: RequestOf<typeof CatalogListAgencies> = {};
  // @ts-expect-error a NoPayload subject takes nothing
  const extra: RequestOf<typeof CatalogListAgencies> = { isil: 'x' };

  const handler: ContractHandler<typeof LoansCheckout> = async (_dto: CheckoutDto) => ({}) as CheckoutResult;
  // @ts-expect-error a checkout handler answers a CheckoutResult
  const wrongHandler: ContractHandler<typeof LoansCheckout> = async (_dto: CheckoutDto) => ({ ok: true });

  const e = {} as EnvelopeOf<typeof LoanCreated | typeof ItemStatusChanged>;
  if (e.type === ItemStatusChanged.subject) {
    const status: string = e.data.status;
    void status;
  } else {
    const loanId: string = e.data.loanId;
    // @ts-expect-error a loan event has no status
    void e.data.status;
    void loanId;
  }
  void [ok, missing, badChannel, reply, wrongReply, list, none, extra, handler, wrongHandler, NoPayload];
}
