import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DomainError,
  executeWithCommit,
  type Plan,
  type PlanResult,
  type PlanStep,
  runPlan,
  Statement,
  step,
} from '@app/common';
import { ErrorCode, IdempotencyOutcome, IdempotencyState } from '@app/contracts';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';

export interface IdempotencyRow {
  subject: string | null;
  fingerprint: string | null;
  state: 'committed' | 'abandoned' | 'compensated';
  reply: unknown;
}

/** Fields of a write command that are not part of what it asks for. */
// (pinOrigin says where a PIN was typed, for the wrong-PIN throttle: like the PIN, not what is asked)
const NOT_FINGERPRINTED = new Set(['idempotencyKey', 'deadline', 'pin', 'pinOrigin']);

/** Canonical JSON (sorted keys) of the command without key, deadline and PIN. */
export function fingerprintOf(subject: string, dto: object): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v as Record<string, unknown>)
          .filter((k) => !NOT_FINGERPRINTED.has(k) && (v as Record<string, unknown>)[k] !== undefined)
          .sort()
          .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return createHash('sha256')
    .update(subject)
    .update('\n')
    .update(JSON.stringify(canonical(dto)))
    .digest('base64url');
}

/** Thrown inside a write's transaction when its key was already used: rolls the transaction back. */
export class AlreadyStored extends Error {
  constructor(readonly row: IdempotencyRow) {
    super('idempotency key already stored');
  }
}

const isUniqueViolationOnKeys = (err: unknown): boolean => {
  const e = err as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const code = e?.code ?? e?.driverError?.code;
  const constraint = e?.constraint ?? e?.driverError?.constraint;
  return code === '23505' && constraint === 'idempotency_keys_pkey';
};
const isDeadlineGuard = (err: unknown): boolean => {
  const e = err as { code?: string; driverError?: { code?: string } };
  return (e?.code ?? e?.driverError?.code) === 'LD001';
};

/**
 * One write with an idempotency key, inside its use case. The use case sends `lookupStatement()` with
 * its first round trip (no extra round trip) and hands the rows to `check()`, which throws AlreadyStored
 * when the key is known; before its COMMIT it calls `record()`, which sends the key, the fingerprint and
 * the reply with the COMMIT (executeWithCommit), through the deadline guard.
 */
export class OnceWrite {
  constructor(
    readonly key: string,
    readonly subject: string,
    readonly fingerprint: string,
    readonly deadline: Date | null,
  ) {}

  lookupStatement(): Statement {
    return [`SELECT subject, fingerprint, state, reply FROM loans.idempotency_keys WHERE key = $1`, [this.key]];
  }

  check(rows: unknown[]): void {
    if (rows.length > 0) throw new AlreadyStored(rows[0] as IdempotencyRow);
  }

  /** `lookupStatement()` as a statement-plan step (its rows go to `check()`). */
  lookupStep(): PlanStep<unknown[]> {
    const [sql, params] = this.lookupStatement();
    return step(sql, params ?? [], (r) => r);
  }

  async record(m: EntityManager, reply: unknown): Promise<void> {
    await executeWithCommit(m, [
      `INSERT INTO loans.idempotency_keys (key, subject, fingerprint, state, reply) VALUES ($1, $2, $3, loans.idempotency_guard($4), $5)`,
      [this.key, this.subject, this.fingerprint, this.deadline, JSON.stringify(reply)],
    ]);
  }
}

/**
 * Runs a use case's first-round-trip plan; with a key, the key's stored outcome goes in the same round
 * trip and a known key throws AlreadyStored (the plan's changes roll back with the transaction).
 */
export async function runPlanOnce<P extends Plan>(
  m: EntityManager,
  plan: P,
  once: OnceWrite | null,
): Promise<PlanResult<P>> {
  if (!once) return runPlan(m, plan);
  const { storedOutcome, ...result } = await runPlan(m, { ...plan, storedOutcome: once.lookupStep() });
  once.check(storedOutcome as unknown[]);
  return result as PlanResult<P>;
}

/**
 * Exactly-once writes (docs/circulation.md, "Exactly once"): the key and the reply are stored in the
 * transaction of the change; a repeated key answers the stored reply (a different command under the
 * same key: IDEMPOTENCY_KEY_REUSED); a key a caller abandoned answers REQUEST_ABANDONED; past its
 * deadline a write is refused (DEADLINE_PASSED) and cannot commit.
 */
@Injectable()
export class IdempotencyService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Runs `exec` with a OnceWrite when the command carries a key (else with null, as before). A refusal
   * thrown before the use case could look at the key (patron or item checks) is answered with the
   * stored reply when the key was committed: a retried checkout gets its first answer, not "already on loan".
   */
  async run<T>(
    subject: string,
    dto: { idempotencyKey?: string; deadline?: string },
    exec: (once: OnceWrite | null) => Promise<T>,
  ): Promise<T> {
    const key = dto.idempotencyKey;
    if (!key) return exec(null);
    const deadline = dto.deadline ? new Date(dto.deadline) : null;
    if (deadline && deadline.getTime() < Date.now()) {
      // queued too long (or a slow retry): it must not commit now; the caller asks for the outcome
      const row = await this.find(key);
      if (row) return this.answer(row, subject, fingerprintOf(subject, dto)) as T;
      throw new DomainError(
        ErrorCode.DeadlinePassed,
        `${subject}: deadline ${dto.deadline} passed before the write started`,
      );
    }
    const once = new OnceWrite(key, subject, fingerprintOf(subject, dto), deadline);
    try {
      return await exec(once);
    } catch (err) {
      if (err instanceof AlreadyStored) return this.answer(err.row, subject, once.fingerprint) as T;
      if (isDeadlineGuard(err))
        throw new DomainError(ErrorCode.DeadlinePassed, `${subject}: deadline ${dto.deadline} passed; not committed`);
      if (isUniqueViolationOnKeys(err) || err instanceof DomainError) {
        // a concurrent copy of this write committed first, or the caller abandoned the key, or a
        // refusal that a committed first attempt explains
        const row = await this.find(key);
        if (row) return this.answer(row, subject, once.fingerprint) as T;
      }
      throw err;
    }
  }

  async find(key: string, m: EntityManager = this.dataSource.manager): Promise<IdempotencyRow | null> {
    const rows = (await m.query(
      `SELECT subject, fingerprint, state, reply FROM loans.idempotency_keys WHERE key = $1`,
      [key],
    )) as IdempotencyRow[];
    return rows[0] ?? null;
  }

  /** `loans.idempotency.outcome.v1`: the key's outcome; `abandon` stores a tombstone when nothing is stored. */
  async outcome(key: string, abandon: boolean): Promise<IdempotencyOutcome> {
    if (abandon) {
      // waits for a transaction that is inserting this key right now, then conflicts with it
      await this.dataSource.query(
        `INSERT INTO loans.idempotency_keys (key, state) VALUES ($1, 'abandoned') ON CONFLICT (key) DO NOTHING`,
        [key],
      );
    }
    const row = await this.find(key);
    return { key, state: stateOf(row), ...(row?.state === 'committed' ? { reply: row.reply } : {}) };
  }

  private answer(row: IdempotencyRow, subject: string, fingerprint: string): unknown {
    if (row.state !== 'committed')
      throw new DomainError(
        ErrorCode.RequestAbandoned,
        `the caller gave up on this ${subject} write; it was not carried out`,
      );
    if (row.subject !== subject || row.fingerprint !== fingerprint) {
      throw new DomainError(
        ErrorCode.IdempotencyKeyReused,
        `this idempotency key was used for a different request (${row.subject ?? 'none'})`,
      );
    }
    return row.reply;
  }
}

const stateOf = (row: IdempotencyRow | null): IdempotencyState =>
  !row ? 'unknown' : row.state === 'committed' ? 'committed' : 'abandoned';
