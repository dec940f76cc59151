import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainError, executeWithCommit } from '@app/common';
import { ErrorCode } from '@app/contracts';
import type {
  CirculationExceptionReason,
  CirculationExceptionStatus,
  CirculationExceptionView,
  OfflineTransactionKind,
  Page,
} from '@app/contracts';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';

export interface NewCirculationException {
  reason: CirculationExceptionReason;
  kind: OfflineTransactionKind;
  source: string;
  branch: string;
  item: { agency: string; barcode: string };
  patron: { agency: string; barcode: string } | null;
  transactionAt: Date;
  message: string;
  loanId: string | null;
  idempotencyKey?: string | null;
}

/**
 * The staff exceptions list: offline and no-block transactions that were applied as far as they
 * safely could be, with what staff should look at (as Evergreen's offline upload reports them).
 */
@Injectable()
export class CirculationExceptionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Written with the transaction's COMMIT (nothing reads it back in the transaction). */
  async add(m: EntityManager, e: NewCirculationException): Promise<string> {
    const id = randomUUID();
    await executeWithCommit(m, [
      `INSERT INTO loans.circulation_exceptions (id, reason, kind, source, branch, item_agency, item_barcode, patron_agency, patron_barcode,
         transaction_at, message, loan_id, idempotency_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        id,
        e.reason,
        e.kind,
        e.source,
        e.branch,
        e.item.agency,
        e.item.barcode,
        e.patron?.agency ?? null,
        e.patron?.barcode ?? null,
        e.transactionAt,
        e.message,
        e.loanId,
        e.idempotencyKey ?? null,
      ],
    ]);
    return id;
  }

  async list(q: {
    branch?: string;
    status: CirculationExceptionStatus;
    limit: number;
    offset: number;
  }): Promise<Page<CirculationExceptionView>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.branch) where.push(`branch = $${params.push(q.branch)}`);
    if (q.status === 'open') where.push('resolved_at IS NULL');
    if (q.status === 'resolved') where.push('resolved_at IS NOT NULL');
    const cond = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [rows, [{ total }]] = await Promise.all([
      this.dataSource.query(
        `SELECT * FROM loans.circulation_exceptions ${cond} ORDER BY recorded_at DESC, id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, q.limit, q.offset],
      ) as Promise<Record<string, unknown>[]>,
      this.dataSource.query(
        `SELECT count(*)::int AS total FROM loans.circulation_exceptions ${cond}`,
        params,
      ) as Promise<{ total: number }[]>,
    ]);
    return { items: rows.map(toView), total, limit: q.limit, offset: q.offset };
  }

  /**
   * Staff dealt with it. The first resolution stays: the same one again (a retried request) answers
   * it as it is; another one is a conflict that names who resolved it first.
   */
  async resolve(id: string, by: string, note: string): Promise<CirculationExceptionView> {
    // an UPDATE answers [rows, count] through TypeORM
    const [[updated]] = (await this.dataSource.query(
      `UPDATE loans.circulation_exceptions SET resolved_at = now(), resolved_by = $2, resolution_note = $3
       WHERE id = $1 AND resolved_at IS NULL RETURNING *`,
      [id, by, note],
    )) as [Record<string, unknown>[], number];
    if (updated) return toView(updated);
    const [row] = (await this.dataSource.query(`SELECT * FROM loans.circulation_exceptions WHERE id = $1`, [
      id,
    ])) as Record<string, unknown>[];
    if (!row) throw new DomainError(ErrorCode.NotFound, `circulation exception ${id} not found`);
    const view = toView(row);
    if (view.resolvedBy === by && view.resolutionNote === note) return view;
    throw new DomainError(
      ErrorCode.Conflict,
      `circulation exception ${id} was already resolved by ${view.resolvedBy} at ${view.resolvedAt}`,
      { resolvedAt: view.resolvedAt, resolvedBy: view.resolvedBy },
    );
  }
}

const iso = (v: unknown): string => new Date(v as string).toISOString();

const toView = (r: Record<string, unknown>): CirculationExceptionView => ({
  id: r.id as string,
  reason: r.reason as string,
  kind: r.kind as OfflineTransactionKind,
  source: r.source as string,
  branch: r.branch as string,
  item: { agency: r.item_agency as string, barcode: r.item_barcode as string },
  patron: r.patron_agency ? { agency: r.patron_agency as string, barcode: r.patron_barcode as string } : null,
  transactionAt: iso(r.transaction_at),
  recordedAt: iso(r.recorded_at),
  message: r.message as string,
  loanId: (r.loan_id as string | null) ?? null,
  resolvedAt: r.resolved_at ? iso(r.resolved_at) : null,
  resolvedBy: (r.resolved_by as string | null) ?? null,
  resolutionNote: (r.resolution_note as string | null) ?? null,
});
