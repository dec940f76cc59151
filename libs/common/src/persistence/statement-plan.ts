import type { EntityManager } from 'typeorm';
import { queryTogether, type Statement } from './prepared-statements';

/**
 * A value one statement of a plan leaves for a later statement of the same round trip, declared in
 * the plan instead of hidden in the SQL. It stays SQL-level because the later statement is written
 * (and sent) before the earlier one's rows are back: the writer puts it in a transaction-local setting
 * (`set_config(name, value, true)`), the reader takes it from there. `runPlan` refuses a plan whose
 * reader comes before its writer, so the order is checked, not assumed.
 */
export class Handoff {
  constructor(
    /** the transaction-local setting it travels in (custom settings need a dotted name) */
    readonly setting: string,
    /** the SQL type the reader casts it to */
    readonly sqlType: string,
  ) {
    if (!/^[a-z_]+\.[a-z_]+$/.test(setting))
      throw new Error(`hand-off setting must be a dotted lowercase name: ${setting}`);
    if (!/^[a-z_ ]+$/.test(sqlType)) throw new Error(`hand-off type must be a plain SQL type name: ${sqlType}`);
  }

  /** SQL expression (for the writer's RETURNING or select list) that stores `expr`; null stores as unset. */
  write(expr: string): string {
    return `set_config('${this.setting}', coalesce((${expr})::text, ''), true)`;
  }

  /** SQL expression (for the reader) with the handed-off value, or NULL when the writer left none. */
  read(): string {
    return `nullif(current_setting('${this.setting}', true), '')::${this.sqlType}`;
  }
}

/**
 * One statement of a plan: its SQL and parameters, and how its rows become the typed value the use
 * case reads. `writes`/`reads`: the hand-offs it leaves for, or takes from, an earlier step.
 */
export interface PlanStep<T> {
  readonly sql: string;
  readonly params: readonly unknown[];
  readonly parse: (rows: unknown[]) => T;
  readonly writes?: readonly Handoff[];
  readonly reads?: readonly Handoff[];
}

export function step<T>(
  sql: string,
  params: readonly unknown[],
  parse: (rows: unknown[]) => T,
  handoffs: { writes?: Handoff[]; reads?: Handoff[] } = {},
): PlanStep<T> {
  return { sql, params, parse, ...handoffs };
}

/** A step run for its effect (a lock, an update nobody reads back): its value is undefined. */
export function effect(sql: string, params: readonly unknown[] = []): PlanStep<void> {
  return step(sql, params, () => undefined);
}

/** Parsers for the usual row shapes. */
export const rows = {
  /** every row, as `T` (the SQL's aliases are `T`'s property names) */
  all:
    <T>() =>
    (r: unknown[]): T[] =>
      r as T[],
  /** the first row or null */
  maybe:
    <T>() =>
    (r: unknown[]): T | null =>
      (r[0] as T | undefined) ?? null,
  /** exactly one row (an aggregate): its absence is a bug, not a case */
  one:
    <T>() =>
    (r: unknown[]): T => {
      if (r.length !== 1) throw new Error(`expected one row, got ${r.length}`);
      return r[0] as T;
    },
  /** whether the statement returned a row (an INSERT … ON CONFLICT DO NOTHING RETURNING) */
  any: (r: unknown[]): boolean => r.length > 0,
};

/** Named steps, run in the order they are written (string keys keep insertion order). */
export type Plan = Record<string, PlanStep<unknown>>;

/** What running a plan gives: each step's parsed value under its name. */
export type PlanResult<P extends Plan> = { [K in keyof P]: P[K] extends PlanStep<infer T> ? T : never };

/** The plan as the statements queryTogether sends, after checking that every hand-off is written before it is read. */
export function planStatements(plan: Plan): Statement[] {
  const written = new Set<Handoff>();
  return Object.entries(plan).map(([name, s]) => {
    for (const h of s.reads ?? []) {
      if (!written.has(h)) throw new Error(`plan step '${name}' reads ${h.setting} before any step writes it`);
    }
    for (const h of s.writes ?? []) written.add(h);
    return [s.sql, [...s.params]];
  });
}

/**
 * Run a plan in `m`'s transaction in one round trip (queryTogether: each statement after the one
 * before, with its own snapshot) and return every step's typed value by name — no positions.
 */
export async function runPlan<P extends Plan>(m: EntityManager, plan: P): Promise<PlanResult<P>> {
  const results = await queryTogether(m, planStatements(plan));
  const out: Record<string, unknown> = {};
  Object.entries(plan).forEach(([name, s], i) => {
    out[name] = s.parse(results[i]);
  });
  return out as PlanResult<P>;
}
