import {
  ErrorCode,
  IdempotencyOutcome,
  LoansIdempotencyOutcome,
  ReplyOf,
  RequestOf,
  RpcContract,
} from '@app/contracts';
import { RemoteError } from '../errors/domain-error';

/** What the writer needs of an RPC client (NatsRpcClient, or a fake in unit specs). */
export interface RpcLike {
  call<C extends RpcContract>(contract: C, payload: RequestOf<C>, opts?: { timeoutMs?: number }): Promise<ReplyOf<C>>;
}

export interface ExactlyOnceOptions {
  /** the write may commit until this long after it was first sent (the command's deadline) */
  deadlineMs: number;
  /** after the deadline, this long to learn the outcome (and make sure it can no longer commit) */
  outcomeMs: number;
  /** longest wait for one attempt, so a request lost with a dead process is retried in time */
  attemptMs: number;
  /** pause after "no responders" (the service is restarting) before the next attempt */
  pauseMs?: number;
  /** called when the outcome could not be learned: the caller records the refusal durably (compensation) */
  onUnresolved?: (key: string, subject: string) => void;
}

/** Codes that say "we do not know what happened", as opposed to an answer (ok or a refusal). */
const UNKNOWN_OUTCOME = new Set<string>([ErrorCode.Timeout, ErrorCode.ServiceUnavailable]);

const codeOf = (err: unknown): string | undefined => {
  const c = (err as { code?: unknown })?.code;
  return typeof c === 'string' ? c : undefined;
};

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends a circulation write with its idempotency key so that the caller learns its real outcome
 * whatever fails in between (docs/circulation.md, "Exactly once"):
 * 1. the command carries a deadline; the loans service never commits it after that instant;
 * 2. a timeout or "no responders" (the loans process died or restarts) is retried with the same key:
 *    a write that was committed answers its stored reply, one that was not is executed (once);
 * 3. once the deadline has passed, the caller asks for the key's outcome with `abandon`: the stored
 *    reply if it was committed, else a tombstone is stored so a copy still in flight can never commit;
 * 4. only when even that cannot be learned in time is the write refused (UNAVAILABLE), and
 *    `onUnresolved` is told so the refusal is followed up (undone if it did commit).
 * In the normal case this is exactly one request, as before.
 */
export class ExactlyOnceWriter {
  constructor(
    private readonly rpc: RpcLike,
    private readonly opts: ExactlyOnceOptions,
  ) {}

  async write<C extends RpcContract<string, { idempotencyKey?: string; deadline?: string }>>(
    contract: C,
    dto: RequestOf<C>,
  ): Promise<ReplyOf<C>> {
    const subject = contract.subject;
    const key = (dto as { idempotencyKey?: string }).idempotencyKey;
    if (!key) return this.rpc.call(contract, dto);
    const started = Date.now();
    const deadline = started + this.opts.deadlineMs;
    const command = { ...dto, deadline: new Date(deadline).toISOString() };
    let last: unknown;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      try {
        return await this.rpc.call(contract, command, { timeoutMs: Math.min(left, this.opts.attemptMs) });
      } catch (err) {
        const code = codeOf(err);
        // too late for the loans service, or it failed unexpectedly (perhaps after its commit): ask what became of it
        if (code === ErrorCode.DeadlinePassed || code === ErrorCode.Internal) break;
        if (!code || !UNKNOWN_OUTCOME.has(code)) throw err; // an answer: ok or a refusal
        last = err;
        if (code === ErrorCode.ServiceUnavailable)
          await pause(Math.min(this.opts.pauseMs ?? 200, Math.max(0, deadline - Date.now())));
      }
    }
    const outcome = await this.learnOutcome(key, deadline + this.opts.outcomeMs);
    if (outcome?.state === 'committed') return outcome.reply as ReplyOf<C>;
    if (outcome === undefined) this.opts.onUnresolved?.(key, subject);
    throw new RemoteError(
      ErrorCode.ServiceUnavailable,
      `${subject}: no outcome within ${this.opts.deadlineMs + this.opts.outcomeMs} ms (${outcome ? 'not committed; it never will be' : 'outcome unknown; refusal recorded'})`,
      { idempotencyState: outcome?.state ?? 'unresolved', cause: codeOf(last) ?? null },
      subject,
    );
  }

  /** The key's outcome, abandoning it if it was not committed; undefined when loans did not answer in time. */
  private async learnOutcome(key: string, until: number): Promise<IdempotencyOutcome | undefined> {
    for (;;) {
      const left = until - Date.now();
      if (left <= 0) return undefined;
      try {
        return await this.rpc.call(
          LoansIdempotencyOutcome,
          { key, abandon: true },
          { timeoutMs: Math.min(left, this.opts.attemptMs) },
        );
      } catch (err) {
        const code = codeOf(err);
        if (code === ErrorCode.ServiceUnavailable)
          await pause(Math.min(this.opts.pauseMs ?? 200, Math.max(0, until - Date.now())));
        else if (code !== ErrorCode.Timeout) return undefined;
      }
    }
  }
}
