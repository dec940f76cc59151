import { getMetadataStorage, ValidationTypes } from 'class-validator';

/**
 * Rules every input obeys whatever its DTO says, applied by the global validation pipe (HTTP and NATS)
 * so that a new endpoint cannot forget them. Each finds problems as `{ field, problems }`, the same
 * shape as class-validator's, so callers get one VALIDATION_FAILED answer naming the fields.
 */
export interface FieldProblem {
  field: string;
  problems: string[];
}

/** Deepest nesting of objects/arrays accepted in any input (our DTOs need 3). */
export const MAX_INPUT_DEPTH = 32;
/** Integers in input must fit PostgreSQL `integer` (offsets, limits, days, fen): larger is a 400, not a 500. */
export const MAX_INPUT_INTEGER = 2_147_483_647;
/** Stop collecting after this many problems (an answer naming 10,000 fields helps nobody). */
const MAX_PROBLEMS = 20;

const join = (prefix: string, key: string | number): string => (prefix ? `${prefix}.${key}` : String(key));

/** In unicode mode a surrogate pair is one code point, so this matches only an unpaired half. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function stringProblem(s: string): string | undefined {
  if (s.includes('\u0000')) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(s)) return 'must be well-formed Unicode (no lone surrogates)';
  return undefined;
}

/**
 * Walks raw input iteratively (no recursion, so `[[[[…]]]]` 100k deep cannot overflow the stack) before
 * class-transformer sees it: nesting beyond MAX_INPUT_DEPTH, NUL characters and lone UTF-16 surrogates
 * in any string (values and keys). PostgreSQL cannot store NUL in text, and a lone surrogate is not text.
 */
export function inspectRawInput(value: unknown, root = '', maxDepth = MAX_INPUT_DEPTH): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const stack: [unknown, string, number][] = [[value, root, 0]];
  while (stack.length && problems.length < MAX_PROBLEMS) {
    const [v, path, depth] = stack.pop()!;
    if (typeof v === 'string') {
      const p = stringProblem(v);
      if (p) problems.push({ field: path || 'value', problems: [p] });
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= maxDepth) {
      problems.push({ field: path || 'value', problems: [`must not be nested deeper than ${maxDepth} levels`] });
      continue;
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], join(path, i), depth + 1]);
      continue;
    }
    const entries = Object.entries(v as Record<string, unknown>);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i];
      const p = stringProblem(key);
      if (p) {
        problems.push({ field: join(path, JSON.stringify(key).slice(1, -1)), problems: [`field name ${p}`] });
        continue;
      }
      stack.push([child, join(path, key), depth + 1]);
    }
  }
  return problems;
}

/**
 * After transformation and class-validator: integers within PostgreSQL `integer`, and required nested
 * objects present. class-validator's @ValidateNested skips `undefined`, so `{}` would pass a DTO whose
 * `patron: PatronRefDto` is required; here every @ValidateNested property without @IsOptional/@ValidateIf
 * must be an object (or array of objects), checked down the tree.
 */
export function inspectTransformedInput(value: unknown, root = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const seen = new Set<unknown>();
  const visit = (v: unknown, path: string, depth: number): void => {
    if (problems.length >= MAX_PROBLEMS || depth > MAX_INPUT_DEPTH) return;
    if (typeof v === 'number') {
      if (Number.isInteger(v) && Math.abs(v) > MAX_INPUT_INTEGER) {
        problems.push({
          field: path || 'value',
          problems: [`must be between ${-MAX_INPUT_INTEGER} and ${MAX_INPUT_INTEGER}`],
        });
      }
      return;
    }
    if (v === null || typeof v !== 'object' || seen.has(v) || v instanceof Date) return;
    seen.add(v);
    if (Array.isArray(v)) {
      v.forEach((child, i) => visit(child, join(path, i), depth + 1));
      return;
    }
    const ctor = (v as object).constructor;
    if (ctor && ctor !== Object) {
      for (const prop of requiredNestedProperties(ctor as Ctor)) {
        const child = (v as Record<string, unknown>)[prop];
        if (child === undefined || child === null)
          problems.push({ field: join(path, prop), problems: [`${prop} is required (an object)`] });
      }
    }
    for (const [key, child] of Object.entries(v as Record<string, unknown>)) visit(child, join(path, key), depth + 1);
  };
  visit(value, root, 0);
  return problems;
}

type Ctor = abstract new (...args: never[]) => unknown;

const requiredNestedCache = new Map<Ctor, string[]>();

function requiredNestedProperties(ctor: Ctor): string[] {
  let props = requiredNestedCache.get(ctor);
  if (!props) {
    const metas = getMetadataStorage().getTargetValidationMetadatas(ctor, '', true, false);
    const nested = new Set(
      metas.filter((m) => m.type === ValidationTypes.NESTED_VALIDATION).map((m) => m.propertyName),
    );
    const conditional = new Set(
      metas.filter((m) => m.type === ValidationTypes.CONDITIONAL_VALIDATION).map((m) => m.propertyName),
    );
    props = [...nested].filter((p) => !conditional.has(p));
    requiredNestedCache.set(ctor, props);
  }
  return props;
}
