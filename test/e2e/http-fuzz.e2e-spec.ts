import fc from 'fast-check';
import { fuzzParams } from '../../libs/testing/src/fuzz';
import { e2eEnv } from './e2e-env';

/**
 * Every operation of the OpenAPI document fuzzed through the real HTTP stack (issue 14): path, query and
 * body generated from the document's schemas, mixed with hostile values (NUL, lone surrogates, huge
 * numbers, impossible dates, deep nesting, malformed JSON). No answer may be a 5xx, and every error is the
 * JSON `{ code, message }` form. Writes carry an unknown field most of the time (so validation runs over
 * every field and then refuses), ops-only writes always: the fuzz never changes the network the other
 * e2e specs run against. `npm run fuzz:http` runs it longer.
 */
const env = e2eEnv();
const params = fuzzParams(12);

type Schema = Record<string, any>;
interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  query: { name: string; schema: Schema }[];
  body?: Schema;
  opsOnly: boolean;
}

const HOSTILE = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '2026-13-45',
  '2026-02-30',
  '99999999999999999999',
  '-1',
  '1e309',
  'NaN',
  ' ',
  '',
  'x'.repeat(3000),
  '../../etc/passwd',
  "' OR 1=1 --",
  '%00',
  '<script>alert(1)</script>',
  '中文 图书馆',
  '😀',
  'CN-320583-1-KSL',
  '*',
  '__proto__',
];
const hostileString = fc.constantFrom(...HOSTILE);
const anyString = fc.oneof(
  hostileString,
  fc.string({ maxLength: 40 }),
  fc.string({ maxLength: 20, unit: 'grapheme' }),
  fc.string({ maxLength: 8, unit: 'binary' }),
);
const anyNumber = fc.oneof(
  fc.integer(),
  fc.constantFrom(1e20, -1e20, 2 ** 31, 2 ** 53, 0.5, -0, Number.MAX_SAFE_INTEGER),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const junk = fc.jsonValue({ maxDepth: 3 });

function arbitraryFor(schema: Schema | undefined, doc: Schema, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return junk;
  if (schema.$ref) return arbitraryFor(doc.components.schemas[String(schema.$ref).split('/').pop()!], doc, depth + 1);
  if (schema.allOf) return arbitraryFor(schema.allOf[0], doc, depth + 1);
  let typed: fc.Arbitrary<unknown>;
  if (schema.enum) typed = fc.oneof(fc.constantFrom(...schema.enum), anyString);
  else if (schema.type === 'string') typed = anyString;
  else if (schema.type === 'number' || schema.type === 'integer') typed = fc.oneof(anyNumber, anyString);
  else if (schema.type === 'boolean') typed = fc.oneof(fc.boolean(), anyString);
  else if (schema.type === 'array') typed = fc.array(arbitraryFor(schema.items, doc, depth + 1), { maxLength: 4 });
  else if (schema.type === 'object' || schema.properties) {
    const props = Object.fromEntries(
      Object.entries<Schema>(schema.properties ?? {}).map(([k, s]) => [k, arbitraryFor(s, doc, depth + 1)]),
    );
    typed = fc.record(props, { requiredKeys: [] });
  } else typed = junk;
  return fc.oneof({ weight: 4, arbitrary: typed }, { weight: 1, arbitrary: junk }, { weight: 1, arbitrary: anyString });
}

/** a raw body: JSON of the schema, or malformed / deeply nested / non-object text */
function bodyFor(op: Operation, doc: Schema): fc.Arbitrary<string | undefined> {
  const json = arbitraryFor(op.body, doc).chain((v) =>
    fc.boolean().map((fuzzTag) => {
      const tagged =
        v !== null && typeof v === 'object' && !Array.isArray(v) && (op.opsOnly || fuzzTag || op.method !== 'post')
          ? { ...v, __fuzz: true }
          : v;
      return JSON.stringify(tagged);
    }),
  );
  const deep = fc.integer({ min: 1, max: 100_000 }).map((n) => '['.repeat(n) + ']'.repeat(n));
  const broken = fc.constantFrom(
    '{',
    '{"a":',
    'null',
    '"x"',
    '[]',
    '{"__proto__":{"x":1}}',
    '{"a":1,"a":2}',
    '\u0000',
    '{"x":"\\ud800"}',
  );
  return fc.oneof(
    { weight: 6, arbitrary: json },
    { weight: 1, arbitrary: deep },
    { weight: 1, arbitrary: broken },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

function requestFor(op: Operation, doc: Schema) {
  const pathValues = fc.tuple(...op.pathParams.map(() => anyString), fc.constant(''));
  const query = fc.array(
    fc.tuple(
      fc.constantFrom(...(op.query.length ? op.query.map((q) => q.name) : ['x'])),
      fc.oneof(anyString, anyNumber.map(String)),
    ),
    { maxLength: 5 },
  );
  const body = op.method === 'get' || op.method === 'delete' ? fc.constant(undefined) : bodyFor(op, doc);
  return fc.record({ pathValues, query, body });
}

async function send(op: Operation, r: { pathValues: string[]; query: [string, string][]; body: string | undefined }) {
  let i = 0;
  // an empty segment would route elsewhere; keep the segment non-empty
  const path = op.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(r.pathValues[i++] || '~'));
  const qs = new URLSearchParams(r.query).toString();
  const res = await fetch(`${env.gatewayUrl}${path}${qs ? `?${qs}` : ''}`, {
    method: op.method.toUpperCase(),
    headers: {
      authorization: `Bearer ${env.apiKey}`,
      ...(r.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: r.body,
  });
  const text = await res.text();
  return { status: res.status, text };
}

describe('HTTP API under fuzzing, generated from the OpenAPI document', () => {
  let doc: Schema;
  let ops: Operation[] = [];

  beforeAll(async () => {
    doc = (await (await fetch(`${env.gatewayUrl}/api/openapi.json`)).json()) as Schema;
    for (const [path, item] of Object.entries<Schema>(doc.paths)) {
      for (const [method, op] of Object.entries<Schema>(item)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method) || path === '/health') continue;
        const parameters: Schema[] = op.parameters ?? [];
        ops.push({
          method,
          path,
          pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
          query: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
          body: op.requestBody?.content?.['application/json']?.schema,
          opsOnly: op['x-required-role'] === 'ops' && method !== 'get',
        });
      }
    }
    ops = ops.sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
  });

  it('never answers 5xx and always answers errors as { code, message }', async () => {
    expect(ops.length).toBeGreaterThan(40);
    const failures: string[] = [];
    for (const op of ops) {
      await fc.assert(
        fc.asyncProperty(requestFor(op, doc), async (r) => {
          const { status, text } = await send(op, r);
          if (status >= 500)
            failures.push(
              `${op.method} ${op.path} → ${status} ${text.slice(0, 200)} for ${JSON.stringify(r).slice(0, 300)}`,
            );
          if (status >= 400) {
            const body = JSON.parse(text) as { code?: unknown; message?: unknown };
            expect(typeof body.code).toBe('string');
            expect(typeof body.message).toBe('string');
          }
        }),
        params,
      );
    }
    expect(failures).toEqual([]);
    // and the suite is still healthy afterwards
    expect((await fetch(`${env.gatewayUrl}/health`)).status).toBe(200);
  });

  it('holds the JSON body limits: depth refused with a 400, size with a 413', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 200_000 }), fc.constantFrom('[', '{"a":'), async (depth, open) => {
        const close = open === '[' ? ']' : '}';
        const body = open.repeat(depth) + (open === '[' ? '' : '1') + close.repeat(depth);
        const res = await fetch(`${env.gatewayUrl}/api/records`, {
          method: 'POST',
          headers: { authorization: `Bearer ${env.apiKey}`, 'content-type': 'application/json' },
          body,
        });
        const answer = (await res.json()) as { code: string };
        if (body.length > 1024 * 1024) expect(res.status).toBe(413);
        else expect({ status: res.status, code: answer.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
      }),
      { ...params, numRuns: Math.max(10, Math.ceil(params.numRuns / 2)) },
    );
  });
});
