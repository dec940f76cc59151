import { getMetadataArgsStorage } from 'typeorm';

/** One column of a row declaration: its TypeScript type (phantom) and how it is selected. */
export interface Col<T> {
  readonly __type?: T;
  /** the column's name; default: the property name in snake_case */
  readonly name?: string;
  /** select it as text (a `date`, which pg would otherwise turn into a Date at local midnight) */
  readonly asText?: boolean;
}

export const col = <T>(opts: { name?: string; asText?: boolean } = {}): Col<T> => opts as Col<T>;

type Decl = Record<string, Col<unknown>>;

/** The row type a declaration describes. */
export type RowOf<S> = S extends RowShape<infer D> ? { [K in keyof D]: D[K] extends Col<infer T> ? T : never } : never;

const snake = (prop: string) => prop.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const selectItem = (alias: string | undefined, column: string, prop: string, asText: boolean) => {
  const ref = `${alias ? `${alias}.` : ''}${column}${asText ? '::text' : ''}`;
  return !asText && column === prop ? ref : `${ref} AS "${prop}"`;
};

/**
 * A raw-SQL row declared once: the select list (camel-cased aliases) and the row type (`RowOf`) both
 * come from it, so a column is never listed twice by hand.
 */
export class RowShape<D extends Decl> {
  constructor(readonly columns: D) {}

  /** `col AS "prop", …` for SELECT or RETURNING; `alias`: the table alias to qualify with. */
  select(alias?: string): string {
    return Object.entries(this.columns)
      .map(([prop, c]) => selectItem(alias, c.name ?? snake(prop), prop, c.asText === true))
      .join(', ');
  }
}

export const rowShape = <D extends Decl>(columns: D): RowShape<D> => new RowShape(columns);

/**
 * The select list of a TypeORM entity, from its own @Column declarations (`date` columns as text, as
 * TypeORM hydrates them): raw statements return rows shaped like the entity without restating it.
 */
export function entitySelect(entity: abstract new () => object, alias?: string): string {
  const columns = getMetadataArgsStorage().filterColumns(entity);
  if (columns.length === 0) throw new Error(`${entity.name} declares no columns`);
  return columns
    .map((c) => selectItem(alias, c.options.name ?? c.propertyName, c.propertyName, c.options.type === 'date'))
    .join(', ');
}
