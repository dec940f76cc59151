import * as net from 'node:net';
import * as os from 'node:os';
import * as tls from 'node:tls';
import { e2eEnv } from './e2e-env';

/**
 * Issue 14 regressions against the suite as operators run it: bad input is a 400 naming the field (never a
 * 500), the authorisation matrix generated from the OpenAPI document, /health exposure, SIP2 TLS suites and
 * the loopback bind of the embedded default.
 */
const env = e2eEnv();
const KSL = 'CN-320583-1-KSL';

interface Answer {
  status: number;
  body: any;
}

async function call(
  method: string,
  path: string,
  opts: { body?: unknown; raw?: string; key?: string | null } = {},
): Promise<Answer> {
  const key = opts.key === undefined ? env.apiKey : opts.key;
  const hasBody = opts.body !== undefined || opts.raw !== undefined;
  const res = await fetch(`${env.gatewayUrl}${path}`, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(hasBody ? { 'content-type': 'application/json' } : {}),
    },
    body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body };
}

const fields = (a: Answer): string[] => (a.body?.details?.fields ?? []).map((f: { field: string }) => f.field);

function expectBadInput(a: Answer, field: string): void {
  expect({ status: a.status, code: a.body?.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
  expect(fields(a)).toContain(field);
}

describe('bad input is a 400 naming the field (issue 14)', () => {
  it('NUL in a query parameter, a path parameter and a body field', async () => {
    expectBadInput(await call('GET', '/api/patrons?q=%00'), 'q');
    expectBadInput(await call('GET', `/api/items/${KSL}/B%00`), 'barcode');
    expectBadInput(await call('POST', '/api/records', { body: { title: 'a\u0000b' } }), 'title');
  });

  it('a lone UTF-16 surrogate in a body field', async () => {
    // JSON.stringify escapes it as \ud800, which JSON.parse on the server turns back into a lone surrogate
    expectBadInput(await call('POST', '/api/records', { body: { title: 'x\ud800' } }), 'title');
    expectBadInput(
      await call('POST', '/api/circulation/checkin', {
        raw: `{"item":{"agency":"${KSL}","barcode":"\\udfff"},"branch":"KSL-MAIN"}`,
      }),
      'item.barcode',
    );
  });

  it('an offset beyond any integer column', async () => {
    expectBadInput(await call('GET', '/api/patrons?offset=99999999999999999999'), 'offset');
    expectBadInput(await call('GET', `/api/patrons/${KSL}/P0000001/loans?offset=99999999999999999999`), 'offset');
  });

  it('an impossible date', async () => {
    expectBadInput(await call('GET', '/api/closures?from=2026-13-45'), 'from');
    expectBadInput(await call('GET', '/api/closures?from=2026-02-30'), 'from');
  });

  it('{} where required nested objects are expected', async () => {
    const renew = await call('POST', '/api/circulation/renew', { body: {} });
    expectBadInput(renew, 'patron');
    expect(fields(renew)).toContain('item');
    expectBadInput(await call('POST', '/api/circulation/mark-lost', { body: {} }), 'item');
    expectBadInput(await call('POST', '/api/circulation/claim-returned', { body: {} }), 'item');
    expectBadInput(await call('PUT', '/api/calendars/KSL-MAIN', { body: {} }), 'weeklyHours');
  });

  it('JSON nested 100k deep, and the gateway still answers', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const a = await call('POST', '/api/records', { raw: deep });
    expect({ status: a.status, code: a.body?.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    expect(a.body.message).toMatch(/nested deeper/);
    const objects = '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000);
    expect((await call('POST', '/api/circulation/checkout', { raw: objects })).status).toBe(400);
    expect((await call('GET', '/health', { key: null })).status).toBe(200);
  });

  it('a body over the size limit is a 413, not a crash', async () => {
    const big = JSON.stringify({ title: 'x'.repeat(2 * 1024 * 1024) });
    const a = await call('POST', '/api/records', { raw: big });
    expect(a.status).toBe(413);
  });
});

describe('authorisation matrix, generated from the OpenAPI document', () => {
  /** roles and what each satisfies; the document's role enum must match, so a new role updates this table */
  // a device key (a locker controller) reaches only the device endpoints, and only it reaches them
  const SATISFIES: Record<string, string[]> = { staff: ['staff'], ops: ['staff', 'ops'], device: ['device'] };
  /** operations answered without an API key: health, the reader's login (gives a reader token), NCIP
   * (a partner key of its own), metrics (token or loopback) and the ops page's static files */
  const PUBLIC = new Set([
    'get /health',
    'post /api/reader/login',
    'post /ncip',
    'post /ncip/{key}',
    'get /metrics',
    'get /ops',
    'get /ops/assets/{name}',
  ]);
  const keys: Record<string, string> = {};
  let operations: { method: string; path: string; url: string; needs: string; secured: boolean }[] = [];

  beforeAll(async () => {
    const doc = (await call('GET', '/api/openapi.json', { key: null })).body;
    expect(doc.components.schemas.CreateApiKeyDto.properties.role.enum.sort()).toEqual(Object.keys(SATISFIES).sort());
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        // path parameters get a value no validator accepts: the guard runs before validation, so an
        // authorised call is a 400/404, never touching data
        const url = path.replace(/\{[^}]+\}/g, '~bad~');
        operations.push({
          method,
          path,
          url,
          // reader endpoints take a reader token (POST /api/reader/login), never an API key
          needs: (op.security ?? []).some((sec: Record<string, unknown>) => 'reader' in sec)
            ? 'reader'
            : (op['x-required-role'] ?? 'staff'),
          secured: Array.isArray(op.security) && op.security.length > 0,
        });
      }
    }
    operations = operations.sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
    for (const role of Object.keys(SATISFIES)) {
      const created = await call('POST', '/api/api-keys', {
        body: { name: `matrix-${role}-${Date.now()}`, role, ...(role === 'device' ? { locker: 'KSL-LK-BC' } : {}) },
      });
      expect(created.status).toBe(201);
      keys[role] = created.body.key;
    }
  });

  it('covers every operation', () => {
    expect(operations.length).toBeGreaterThan(40);
  });

  it('every operation but the public ones is documented as secured and refuses no key and a wrong key', async () => {
    const wrong: string[] = [];
    for (const op of operations) {
      const id = `${op.method} ${op.path}`;
      if (PUBLIC.has(id)) {
        expect((await call(op.method.toUpperCase(), op.url, { key: null })).status).toBeLessThan(500);
        continue;
      }
      if (!op.secured) wrong.push(`${id}: not documented as needing a key`);
      const body = ['post', 'put', 'patch'].includes(op.method) ? {} : undefined;
      const none = await call(op.method.toUpperCase(), op.url, { key: null, body });
      if (none.status !== 401) wrong.push(`${id} without a key: ${none.status}`);
      const bad = await call(op.method.toUpperCase(), op.url, { key: 'kc_not-a-real-key-0000000000', body });
      if (bad.status !== 401) wrong.push(`${id} with a wrong key: ${bad.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('each role is let through exactly where it satisfies the operation, and nothing answers 500', async () => {
    const wrong: string[] = [];
    for (const op of operations) {
      const id = `${op.method} ${op.path}`;
      if (PUBLIC.has(id)) continue;
      const body = ['post', 'put', 'patch'].includes(op.method) ? {} : undefined;
      for (const [role, key] of Object.entries(keys)) {
        const a = await call(op.method.toUpperCase(), op.url, { key, body });
        const allowed = SATISFIES[role].includes(op.needs);
        if (allowed && (a.status === 401 || a.status === 403))
          wrong.push(`${id} as ${role}: ${a.status}, expected through`);
        // an API key on a reader endpoint is no reader token (401); elsewhere a role too low is 403
        const refusals = op.needs === 'reader' ? [401, 403] : [403];
        if (!allowed && !refusals.includes(a.status))
          wrong.push(`${id} as ${role}: ${a.status}, expected ${refusals.join(' or ')}`);
        if (a.status >= 500) wrong.push(`${id} as ${role}: ${a.status} ${JSON.stringify(a.body)}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('exposure', () => {
  it('/health without a key is liveness only; with a key it has the details', async () => {
    const anonymous = await call('GET', '/health', { key: null });
    expect(anonymous).toEqual({ status: 200, body: { status: 'up' } });
    const wrongKey = await call('GET', '/health', { key: 'kc_wrong-key-000000000000' });
    expect(wrongKey.body).toEqual({ status: 'up' });
    const detailed = await call('GET', '/health');
    expect(detailed.body.services.sip2.status).toBe('up');
  });

  const handshake = (opts: tls.ConnectionOptions): Promise<string> =>
    new Promise((resolve) => {
      const socket = tls.connect(
        { host: '127.0.0.1', port: env.sip2TlsPort, rejectUnauthorized: false, ...opts },
        () => {
          const cipher = socket.getCipher().name;
          socket.end();
          resolve(`ok ${cipher}`);
        },
      );
      socket.on('error', (err) => resolve(`refused ${err.message}`));
    });

  it('SIP2 TLS refuses suites without forward secrecy or with CBC/SHA-1, accepts ECDHE-GCM and TLS 1.3', async () => {
    for (const weak of ['AES128-SHA', 'AES256-GCM-SHA384', 'ECDHE-RSA-AES128-SHA', 'ECDHE-RSA-AES256-SHA384']) {
      expect(await handshake({ maxVersion: 'TLSv1.2', ciphers: weak })).toMatch(/^refused/);
    }
    expect(await handshake({ maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' })).toBe(
      'ok ECDHE-RSA-AES128-GCM-SHA256',
    );
    expect(await handshake({ maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-CHACHA20-POLY1305' })).toBe(
      'ok ECDHE-RSA-CHACHA20-POLY1305',
    );
    expect(await handshake({ minVersion: 'TLSv1.3' })).toMatch(/^ok TLS_/);
    expect(await handshake({ maxVersion: 'TLSv1.1', minVersion: 'TLSv1' })).toMatch(/^refused/);
  });

  it('the embedded default listens on loopback only (gateway and SIP2)', async () => {
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    // a machine with no other interface has nothing to prove here; CI and dev machines have one
    if (!external) return;
    const connects = (port: number, host = external) =>
      new Promise<boolean>((resolve) => {
        const s = net.connect({ host, port }, () => {
          s.destroy();
          resolve(true);
        });
        s.on('error', () => resolve(false));
      });
    expect(await connects(Number(new URL(env.gatewayUrl).port))).toBe(false);
    expect(await connects(env.sip2Port)).toBe(false);
    expect(await connects(env.sip2TlsPort)).toBe(false);
    // the same ports answer on loopback
    expect(await connects(env.sip2Port, '127.0.0.1')).toBe(true);
  });
});
