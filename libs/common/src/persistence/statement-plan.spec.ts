import { Column, Entity, PrimaryColumn } from 'typeorm';
import { col, entitySelect, rowShape, type RowOf } from './row-shape';
import { effect, Handoff, planStatements, rows, step } from './statement-plan';

describe('statement plans', () => {
  const handoff = new Handoff('test.value', 'uuid');

  it('sends the steps in the order they are written', () => {
    const plan = {
      lock: effect('SELECT pg_advisory_xact_lock($1)', [1]),
      read: step('SELECT $1::int AS n', [2], rows.one<{ n: number }>()),
    };
    expect(planStatements(plan)).toEqual([
      ['SELECT pg_advisory_xact_lock($1)', [1]],
      ['SELECT $1::int AS n', [2]],
    ]);
  });

  it('refuses a plan that reads a hand-off before a step writes it', () => {
    const writer = step(`SELECT ${handoff.write('$1')} AS x`, ['00000000-0000-0000-0000-000000000001'], rows.any, {
      writes: [handoff],
    });
    const reader = step(`SELECT ${handoff.read()} AS v`, [], rows.one<{ v: string }>(), { reads: [handoff] });
    expect(() => planStatements({ reader, writer })).toThrow(/'reader' reads test.value before any step writes it/);
    expect(planStatements({ writer, reader })).toHaveLength(2);
  });

  it('writes and reads a hand-off through a transaction-local setting', () => {
    expect(handoff.write('record_id')).toBe(`set_config('test.value', coalesce((record_id)::text, ''), true)`);
    expect(handoff.read()).toBe(`nullif(current_setting('test.value', true), '')::uuid`);
    expect(() => new Handoff('nodot', 'uuid')).toThrow();
    expect(() => new Handoff('a.b', 'uuid; DROP')).toThrow();
  });

  it('parses rows: one refuses zero or two rows, maybe gives null, any tells an insert happened', () => {
    expect(rows.one<{ n: number }>()([{ n: 1 }])).toEqual({ n: 1 });
    expect(() => rows.one()([])).toThrow(/expected one row, got 0/);
    expect(() => rows.one()([{}, {}])).toThrow(/expected one row, got 2/);
    expect(rows.maybe()([])).toBeNull();
    expect(rows.any([])).toBe(false);
    expect(rows.any([{ id: 'x' }])).toBe(true);
  });
});

describe('row shapes', () => {
  const shape = rowShape({
    id: col<string>(),
    patronAgency: col<string>(),
    dueDate: col<string>({ asText: true }),
    kind: col<number>({ name: 'item_kind' }),
  });

  it('derives the select list from the declaration', () => {
    expect(shape.select('h')).toBe(
      `h.id, h.patron_agency AS "patronAgency", h.due_date::text AS "dueDate", h.item_kind AS "kind"`,
    );
    expect(shape.select()).toBe(
      `id, patron_agency AS "patronAgency", due_date::text AS "dueDate", item_kind AS "kind"`,
    );
    const row: RowOf<typeof shape> = { id: 'a', patronAgency: 'b', dueDate: '2026-01-01', kind: 1 };
    expect(Object.keys(row)).toEqual(Object.keys(shape.columns));
  });

  it('derives an entity select list from its TypeORM columns (dates as text)', () => {
    @Entity({ name: 'things' })
    class ThingEntity {
      @PrimaryColumn('uuid') id: string;
      @Column('text', { name: 'owning_branch' }) owningBranch: string;
      @Column('date', { name: 'due_date' }) dueDate: string;
      @Column('int') renewals: number;
    }
    expect(entitySelect(ThingEntity)).toBe(
      `id, owning_branch AS "owningBranch", due_date::text AS "dueDate", renewals`,
    );
  });
});
