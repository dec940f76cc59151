import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError } from '@app/common';
import {
  ErrorCode,
  ExchangeView,
  FailedExchangeView,
  ListExchangesDto,
  ListFailedExchangesDto,
  Page,
  ResolveFailedExchangeDto,
} from '@app/contracts';
import { FederationEnvDto } from '../config/federation-env.dto';
import { redactNcip } from './redact';
import { nextRetryDelayMs, RetryPolicy } from './retry-backoff';

export interface ExchangeRecord {
  correlationId: string;
  direction: 'in' | 'out';
  partner: string | null;
  service: string | null;
  outcome: 'ok' | 'problem' | 'error' | 'replayed';
  problem: string | null;
  durationMs: number;
  request: string;
  response: string | null;
}

const MAX_LOGGED = 64 * 1024;
const clip = (s: string) =>
  s.length > MAX_LOGGED ? `${s.slice(0, MAX_LOGGED)}…[${s.length - MAX_LOGGED} more characters]` : s;

/** A failed exchange claimed for an automatic retry. */
export interface DueFailedExchange {
  id: string;
  partner: string;
  service: string;
  request: string;
  autoAttempts: number;
  correlationId: string | null;
}

/** How long a claimed retry is kept from other replicas (well beyond a partner's timeout). */
const CLAIM_MS = 5 * 60_000;
const PURGE_BATCH = 5000;

/**
 * Every NCIP exchange, both directions (redacted), and the queue of failed exchanges: retried
 * automatically with backoff while `next_attempt_at` is set, then waiting for a person.
 */
@Injectable()
export class ExchangeLogService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly env: FederationEnvDto,
  ) {}

  get retryPolicy(): RetryPolicy {
    return {
      baseMs: this.env.NCIP_RETRY_BASE_MS,
      maxDelayMs: this.env.NCIP_RETRY_MAX_DELAY_MS,
      maxAttempts: this.env.NCIP_RETRY_MAX_ATTEMPTS,
    };
  }

  async record(e: ExchangeRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO federation.exchanges (correlation_id, direction, partner, service, outcome, problem, duration_ms, request, response)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
      [
        e.correlationId,
        e.direction,
        e.partner,
        e.service,
        e.outcome,
        e.problem,
        Math.round(e.durationMs),
        clip(redactNcip(e.request)),
        e.response === null ? null : clip(redactNcip(e.response)),
      ],
    );
  }

  async list(q: ListExchangesDto): Promise<Page<ExchangeView>> {
    const limit = q.limit ?? 50;
    const offset = q.offset ?? 0;
    const params = [
      q.partner ?? null,
      q.correlationId ?? null,
      q.direction ?? null,
      q.service ?? null,
      q.outcome ?? null,
    ];
    const where = `($1::text IS NULL OR partner = $1) AND ($2::text IS NULL OR correlation_id = $2) AND ($3::text IS NULL OR direction = $3)
      AND ($4::text IS NULL OR service = $4) AND ($5::text IS NULL OR outcome = $5)`;
    const rows = await this.db.query(
      `SELECT * FROM federation.exchanges WHERE ${where} ORDER BY created_at DESC, id LIMIT ${limit} OFFSET ${offset}`,
      params,
    );
    const [{ n }] = await this.db.query(`SELECT count(*)::int AS n FROM federation.exchanges WHERE ${where}`, params);
    return {
      items: (rows as ExchangeRow[]).map((r) => ({
        id: r.id,
        correlationId: r.correlation_id,
        direction: r.direction,
        partner: r.partner,
        service: r.service,
        outcome: r.outcome,
        problem: r.problem,
        durationMs: r.duration_ms,
        request: r.request,
        response: r.response,
        createdAt: r.created_at.toISOString(),
      })),
      total: n,
      limit,
      offset,
    } as Page<ExchangeView>;
  }

  async enqueueFailure(f: {
    partner: string;
    service: string;
    request: string;
    reason: string;
    attempts: number;
    correlationId: string | null;
    /** an NCIP message the partner did not answer: sent again automatically (else a person decides) */
    retry?: boolean;
  }): Promise<string> {
    const delay = f.retry ? nextRetryDelayMs(0, this.retryPolicy) : null;
    const [row] = await this.db.query(
      `INSERT INTO federation.failed_exchanges (partner, service, request, reason, attempts, correlation_id, next_attempt_at)
       VALUES ($1,$2,$3,$4,$5,$6, CASE WHEN $7::int IS NULL THEN NULL ELSE now() + make_interval(secs => $7::int / 1000.0) END) RETURNING id`,
      [f.partner, f.service, redactNcip(f.request), f.reason, f.attempts, f.correlationId, delay],
    );
    return row.id as string;
  }

  /**
   * Claims up to `limit` failed exchanges whose automatic retry is due (SKIP LOCKED, and pushed out by a
   * lease, so replicas never send the same one at the same time).
   */
  async claimDue(limit: number): Promise<DueFailedExchange[]> {
    const rows = (await this.db.query(
      `UPDATE federation.failed_exchanges f SET next_attempt_at = now() + make_interval(secs => $2::int / 1000.0)
        WHERE f.id IN (SELECT id FROM federation.failed_exchanges WHERE status = 'open' AND next_attempt_at <= now()
                        ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING f.id, f.partner, f.service, f.request, f.auto_attempts, f.correlation_id`,
      [limit, CLAIM_MS],
    )) as [
      {
        id: string;
        partner: string;
        service: string;
        request: string;
        auto_attempts: number;
        correlation_id: string | null;
      }[],
      number,
    ];
    return rows[0].map((r) => ({
      id: r.id,
      partner: r.partner,
      service: r.service,
      request: r.request,
      autoAttempts: r.auto_attempts,
      correlationId: r.correlation_id,
    }));
  }

  /**
   * An automatic retry that did not get through: the next one after the backoff, or none (a person
   * decides) when they ran out or the partner refused it (`final`).
   */
  async retryFailed(id: string, done: number, reason: string, final: boolean): Promise<void> {
    const delay = final ? null : nextRetryDelayMs(done, this.retryPolicy);
    const why =
      delay === null && !final ? `${reason}; no answer after ${done} automatic retries: needs a person` : reason;
    await this.db.query(
      `UPDATE federation.failed_exchanges SET attempts = attempts + 1, auto_attempts = $2, reason = $3,
         next_attempt_at = CASE WHEN $4::int IS NULL THEN NULL ELSE now() + make_interval(secs => $4::int / 1000.0) END
       WHERE id = $1 AND status = 'open'`,
      [id, done, why.slice(0, 500), delay],
    );
  }

  /**
   * Exchange log rows older than `days` (and failed exchanges resolved before then), in batches: the log
   * is what support reads when a partner calls, not an archive. Returns the rows deleted.
   */
  async purgeOlderThan(days: number): Promise<number> {
    let total = 0;
    for (;;) {
      const [, n] = (await this.db.query(
        `DELETE FROM federation.exchanges WHERE id IN (
           SELECT id FROM federation.exchanges WHERE created_at < now() - make_interval(days => $1) LIMIT $2)`,
        [days, PURGE_BATCH],
      )) as [unknown, number];
      total += n;
      if (n < PURGE_BATCH) break;
    }
    const [, resolved] = (await this.db.query(
      `DELETE FROM federation.failed_exchanges WHERE status = 'resolved' AND resolved_at < now() - make_interval(days => $1)`,
      [days],
    )) as [unknown, number];
    return total + resolved;
  }

  async listFailed(q: ListFailedExchangesDto): Promise<Page<FailedExchangeView>> {
    const limit = q.limit ?? 50;
    const offset = q.offset ?? 0;
    const status = q.status ?? 'open';
    const where = {
      all: 'true',
      open: `status = 'open'`,
      retrying: `status = 'open' AND next_attempt_at IS NOT NULL`,
      needs_person: `status = 'open' AND next_attempt_at IS NULL`,
      resolved: `status = 'resolved'`,
    }[status];
    const rows = await this.db.query(
      `SELECT * FROM federation.failed_exchanges WHERE ${where} ORDER BY created_at DESC, id LIMIT ${limit} OFFSET ${offset}`,
    );
    const [{ n }] = await this.db.query(`SELECT count(*)::int AS n FROM federation.failed_exchanges WHERE ${where}`);
    return { items: rows.map(failedView), total: n, limit, offset } as Page<FailedExchangeView>;
  }

  async resolveFailed(dto: ResolveFailedExchangeDto): Promise<FailedExchangeView> {
    const [rows] = await this.db.query(
      `UPDATE federation.failed_exchanges SET status = 'resolved', next_attempt_at = NULL, resolved_at = COALESCE(resolved_at, now()),
         resolved_by = COALESCE(resolved_by, $2), note = COALESCE(note, $3) WHERE id = $1 RETURNING *`,
      [dto.id, dto.actor ?? 'staff', dto.note ?? null],
    );
    if (!rows[0]) throw new DomainError(ErrorCode.NotFound, `no failed exchange ${dto.id}`);
    return failedView(rows[0]);
  }
}

interface ExchangeRow {
  id: string;
  correlation_id: string;
  direction: 'in' | 'out';
  partner: string | null;
  service: string | null;
  outcome: string;
  problem: string | null;
  duration_ms: number;
  request: string;
  response: string | null;
  created_at: Date;
}

interface FailedRow {
  id: string;
  partner: string;
  service: string;
  reason: string;
  attempts: number;
  status: 'open' | 'resolved';
  correlation_id: string | null;
  next_attempt_at: Date | null;
  auto_attempts: number;
  created_at: Date;
  resolved_at: Date | null;
  resolved_by: string | null;
  note: string | null;
}

function failedView(r: FailedRow): FailedExchangeView {
  return {
    id: r.id,
    partner: r.partner,
    service: r.service,
    reason: r.reason,
    attempts: r.attempts,
    status: r.status,
    correlationId: r.correlation_id,
    nextAttemptAt: r.next_attempt_at?.toISOString() ?? null,
    autoAttempts: r.auto_attempts,
    createdAt: r.created_at.toISOString(),
    resolvedAt: r.resolved_at?.toISOString() ?? null,
    resolvedBy: r.resolved_by,
    note: r.note,
  };
}
