import { Injectable } from '@nestjs/common';
import type { ClosureKind } from '@app/contracts';
import { DataSource, EntityManager } from 'typeorm';
import type { WeeklyHours } from './opening-calendar';

export interface ClosureRow {
  id: string;
  branch: string | null;
  from: string;
  to: string;
  kind: ClosureKind;
  reason: string;
  loansMoved: number;
  createdAt: Date;
}

const CLOSURE_COLUMNS = `id, branch, start_date::text AS "from", end_date::text AS "to", kind, reason, loans_moved AS "loansMoved", created_at AS "createdAt"`;

/** branch_calendars (weekly hours; '*' = network default) and closures (holidays and exceptional closures). */
@Injectable()
export class CalendarRepository {
  constructor(private readonly db: DataSource) {}

  /** The branch's own weekly hours and the network default, in one primary-key lookup. */
  async weeklyHours(
    branch: string,
    m?: EntityManager,
  ): Promise<{ own: WeeklyHours | null; network: WeeklyHours | null }> {
    const rows: { branch: string; weeklyHours: WeeklyHours }[] = await (m ?? this.db).query(
      `SELECT branch, weekly_hours AS "weeklyHours" FROM loans.branch_calendars WHERE branch IN ($1, '*')`,
      [branch],
    );
    return {
      own: rows.find((r) => r.branch === branch)?.weeklyHours ?? null,
      network: rows.find((r) => r.branch === '*')?.weeklyHours ?? null,
    };
  }

  listCalendars(): Promise<{ branch: string; weeklyHours: WeeklyHours; updatedAt: Date }[]> {
    return this.db.query(
      `SELECT branch, weekly_hours AS "weeklyHours", updated_at AS "updatedAt" FROM loans.branch_calendars ORDER BY branch`,
    );
  }

  async upsertWeeklyHours(branch: string, hours: WeeklyHours): Promise<void> {
    await this.db.query(
      `INSERT INTO loans.branch_calendars (branch, weekly_hours) VALUES ($1, $2)
       ON CONFLICT (branch) DO UPDATE SET weekly_hours = EXCLUDED.weekly_hours, updated_at = now()`,
      [branch, JSON.stringify(hours)],
    );
  }

  /** Closures that apply to a branch: its own and the network-wide ones (closures_branch_idx). */
  closuresFor(branch: string, fromDate?: string, m?: EntityManager): Promise<ClosureRow[]> {
    return (m ?? this.db).query(
      `SELECT ${CLOSURE_COLUMNS} FROM loans.closures WHERE (branch = $1 OR branch IS NULL) AND ($2::date IS NULL OR end_date >= $2::date)
       ORDER BY start_date, created_at`,
      [branch, fromDate ?? null],
    );
  }

  listClosures(branch: string | undefined, fromDate: string | undefined): Promise<ClosureRow[]> {
    return this.db.query(
      `SELECT ${CLOSURE_COLUMNS} FROM loans.closures
       WHERE ($1::text IS NULL OR branch = $1 OR branch IS NULL) AND ($2::date IS NULL OR end_date >= $2::date)
       ORDER BY start_date, created_at`,
      [branch ?? null, fromDate ?? null],
    );
  }

  async findSameClosure(
    m: EntityManager,
    branch: string | null,
    from: string,
    to: string,
    kind: ClosureKind,
  ): Promise<ClosureRow | null> {
    const rows = await m.query(
      `SELECT ${CLOSURE_COLUMNS} FROM loans.closures WHERE branch IS NOT DISTINCT FROM $1 AND start_date = $2 AND end_date = $3 AND kind = $4 FOR UPDATE`,
      [branch, from, to, kind],
    );
    return rows[0] ?? null;
  }

  async insertClosure(m: EntityManager, c: Omit<ClosureRow, 'createdAt' | 'loansMoved'>): Promise<ClosureRow> {
    const [row] = await m.query(
      `INSERT INTO loans.closures (id, branch, start_date, end_date, kind, reason) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${CLOSURE_COLUMNS}`,
      [c.id, c.branch, c.from, c.to, c.kind, c.reason],
    );
    return row;
  }

  async addLoansMoved(m: EntityManager, id: string, n: number): Promise<ClosureRow> {
    const [rows] = await m.query(
      `UPDATE loans.closures SET loans_moved = loans_moved + $2 WHERE id = $1 RETURNING ${CLOSURE_COLUMNS}`,
      [id, n],
    );
    return rows[0];
  }

  async deleteClosure(id: string): Promise<ClosureRow | null> {
    const [rows] = await this.db.query(`DELETE FROM loans.closures WHERE id = $1 RETURNING ${CLOSURE_COLUMNS}`, [id]);
    return rows[0] ?? null;
  }

  /**
   * Serialise closure operations: two overlapping closures computed side by side could each move
   * loans into the other's days. Closures are rare, so one lock for all of them costs nothing.
   */
  async lockClosures(m: EntityManager): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('loans.closures'))`);
  }
}
