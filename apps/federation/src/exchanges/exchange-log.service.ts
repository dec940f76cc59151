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
import { redactNcip } from './redact';

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

/** Every NCIP exchange, both directions (redacted), and the queue of exchanges that need a person. */
@Injectable()
export class ExchangeLogService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

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
  }): Promise<string> {
    const [row] = await this.db.query(
      `INSERT INTO federation.failed_exchanges (partner, service, request, reason, attempts, correlation_id) VALUES ($1,$2,$3,$4,$5,$6) RETURNING id`,
      [f.partner, f.service, redactNcip(f.request), f.reason, f.attempts, f.correlationId],
    );
    return row.id as string;
  }

  async listFailed(q: ListFailedExchangesDto): Promise<Page<FailedExchangeView>> {
    const limit = q.limit ?? 50;
    const offset = q.offset ?? 0;
    const status = q.status ?? 'open';
    const where = status === 'all' ? 'true' : `status = '${status === 'resolved' ? 'resolved' : 'open'}'`;
    const rows = await this.db.query(
      `SELECT * FROM federation.failed_exchanges WHERE ${where} ORDER BY created_at DESC, id LIMIT ${limit} OFFSET ${offset}`,
    );
    const [{ n }] = await this.db.query(`SELECT count(*)::int AS n FROM federation.failed_exchanges WHERE ${where}`);
    return { items: rows.map(failedView), total: n, limit, offset } as Page<FailedExchangeView>;
  }

  async resolveFailed(dto: ResolveFailedExchangeDto): Promise<FailedExchangeView> {
    const [rows] = await this.db.query(
      `UPDATE federation.failed_exchanges SET status = 'resolved', resolved_at = COALESCE(resolved_at, now()), resolved_by = $2, note = $3 WHERE id = $1 RETURNING *`,
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
    createdAt: r.created_at.toISOString(),
    resolvedAt: r.resolved_at?.toISOString() ?? null,
    resolvedBy: r.resolved_by,
    note: r.note,
  };
}
