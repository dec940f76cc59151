import { ErrorCode, LoansCheckin, LoansCheckout, LoansIdempotencyOutcome, RpcContract } from '@app/contracts';
import { RemoteError } from '../errors/domain-error';
import { ExactlyOnceWriter, RpcLike } from './exactly-once-writer';

/** A loans service reduced to what the writer sees: answers, timeouts, "no responders", stored keys. */
class FakeRpc implements RpcLike {
  calls: { subject: string; data: any; timeoutMs?: number }[] = [];
  constructor(private readonly script: ((subject: string, data: any) => unknown)[]) {}
  async call(contract: RpcContract, data: unknown, opts: { timeoutMs?: number } = {}): Promise<any> {
    this.calls.push({ subject: contract.subject, data, timeoutMs: opts.timeoutMs });
    const step = this.script.shift();
    if (!step) throw new Error('unexpected call');
    return step(contract.subject, data);
  }
}
const fail = (code: string) => () => {
  throw new RemoteError(code, code);
};

const opts = { deadlineMs: 300, outcomeMs: 300, attemptMs: 100, pauseMs: 1 };

describe('ExactlyOnceWriter', () => {
  it('without a key: one plain request, as before', async () => {
    const rpc = new FakeRpc([() => 'ok']);
    await expect(new ExactlyOnceWriter(rpc, opts).write(LoansCheckout, { a: 1 } as never)).resolves.toBe('ok');
    expect(rpc.calls).toEqual([{ subject: 'loans.checkout.v1', data: { a: 1 }, timeoutMs: undefined }]);
  });

  it('with a key: sends a deadline; a refusal is an answer (no retry)', async () => {
    const rpc = new FakeRpc([fail(ErrorCode.ItemAlreadyOnLoan)]);
    await expect(
      new ExactlyOnceWriter(rpc, opts).write(LoansCheckout, { idempotencyKey: 'k1' } as never),
    ).rejects.toMatchObject({ code: ErrorCode.ItemAlreadyOnLoan });
    expect(rpc.calls).toHaveLength(1);
    expect(Date.parse(rpc.calls[0].data.deadline)).toBeGreaterThan(Date.now());
  });

  it('retries a timeout and "no responders" with the same key and deadline until an answer comes', async () => {
    const rpc = new FakeRpc([fail(ErrorCode.Timeout), fail(ErrorCode.ServiceUnavailable), () => ({ loan: 'L1' })]);
    await expect(
      new ExactlyOnceWriter(rpc, opts).write(LoansCheckout, { idempotencyKey: 'k2' } as never),
    ).resolves.toEqual({ loan: 'L1' });
    expect(rpc.calls.map((c) => [c.subject, c.data.idempotencyKey, c.data.deadline])).toEqual([
      ['loans.checkout.v1', 'k2', rpc.calls[0].data.deadline],
      ['loans.checkout.v1', 'k2', rpc.calls[0].data.deadline],
      ['loans.checkout.v1', 'k2', rpc.calls[0].data.deadline],
    ]);
    expect(rpc.calls.every((c) => (c.timeoutMs ?? 0) <= 100)).toBe(true);
  });

  it('after the deadline asks for the outcome with abandon: a committed write answers its stored reply', async () => {
    const rpc = new FakeRpc([
      fail(ErrorCode.DeadlinePassed),
      () => ({ key: 'k3', state: 'committed', reply: { loan: 'L3' } }),
    ]);
    await expect(
      new ExactlyOnceWriter(rpc, opts).write(LoansCheckout, { idempotencyKey: 'k3' } as never),
    ).resolves.toEqual({ loan: 'L3' });
    expect(rpc.calls[1]).toMatchObject({
      subject: LoansIdempotencyOutcome.subject,
      data: { key: 'k3', abandon: true },
    });
  });

  it('an abandoned (never committed) write is refused as unavailable; nothing is left to follow up', async () => {
    const unresolved: string[] = [];
    const rpc = new FakeRpc([fail(ErrorCode.Internal), () => ({ key: 'k4', state: 'abandoned' })]);
    const w = new ExactlyOnceWriter(rpc, { ...opts, onUnresolved: (k) => unresolved.push(k) });
    await expect(w.write(LoansCheckout, { idempotencyKey: 'k4' } as never)).rejects.toMatchObject({
      code: ErrorCode.ServiceUnavailable,
      details: { idempotencyState: 'abandoned' },
    });
    expect(unresolved).toEqual([]);
  });

  it('when even the outcome cannot be learned, refuses and reports the key for follow-up', async () => {
    const unresolved: string[] = [];
    const rpc = new FakeRpc(Array.from({ length: 2000 }, () => fail(ErrorCode.ServiceUnavailable)));
    const w = new ExactlyOnceWriter(rpc, {
      ...opts,
      deadlineMs: 50,
      outcomeMs: 50,
      onUnresolved: (k) => unresolved.push(k),
    });
    await expect(w.write(LoansCheckin, { idempotencyKey: 'k5' } as never)).rejects.toMatchObject({
      code: ErrorCode.ServiceUnavailable,
      details: { idempotencyState: 'unresolved' },
    });
    expect(unresolved).toEqual(['k5']);
  });
});
