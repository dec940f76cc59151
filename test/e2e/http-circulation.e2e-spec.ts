import { e2eEnv } from './e2e-env';

/**
 * The whole suite as operators run it (launcher → every service as its own process, embedded
 * PostgreSQL + NATS), driven over HTTP like a staff desk or the O2O app.
 */
const env = e2eEnv();
const KSL = 'CN-320583-1-KSL';

async function api(
  method: string,
  path: string,
  body?: unknown,
  key: string | null = env.apiKey,
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${env.gatewayUrl}${path}`, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

const checkout = (patron: string, item: string, branch = 'KSL-MAIN') =>
  api('POST', '/api/circulation/checkout', {
    patron: { agency: KSL, barcode: patron },
    item: { agency: KSL, barcode: item },
    branch,
  });
const checkin = (item: string, branch = 'KSL-MAIN') =>
  api('POST', '/api/circulation/checkin', { item: { agency: KSL, barcode: item }, branch });

/** YYYY-MM-DD of `d` in Asia/Shanghai */
const shanghaiDate = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(d);

describe('HTTP circulation through the gateway (e2e)', () => {
  it('reports every service healthy', async () => {
    expect(await api('GET', '/health', undefined, null)).toMatchObject({ status: 200, body: { status: 'up' } });
    const res = await api('GET', '/health');
    expect(res.status).toBe(200);
    for (const name of ['patrons', 'catalog', 'loans', 'delivery', 'federation', 'sip2']) {
      expect(res.body.services[name].status).toBe('up');
    }
  });

  it('serves the OpenAPI document with the circulation paths', async () => {
    const res = await api('GET', '/api/openapi.json', undefined, null);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/api/circulation/checkout', '/api/circulation/checkin', '/api/circulation/renew']),
    );
  });

  it('refuses writes without an API key', async () => {
    const res = await api('POST', '/api/circulation/checkout', {}, null);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHORIZED');
  });

  it('has the demo network seeded', async () => {
    const item = await api('GET', `/api/items/${KSL}/B0000001`);
    expect(item.status).toBe(200);
    expect(item.body.title).toBe('日知录');
    const lost = await api('GET', `/api/items/${KSL}/B0000030`);
    expect(lost.body.status).toBe('lost');
    const patron = await api('GET', `/api/patrons/${KSL}/P0000001`);
    expect(patron.body).toMatchObject({ name: '张三', circulationBlocked: false });
    expect(JSON.stringify(patron.body)).not.toMatch(/scrypt|pinHash/i);
  });

  it('checks out B0000001 to P0000001 with a due date in the library time zone, renews and checks in', async () => {
    const out = await checkout('P0000001', 'B0000001');
    expect(out.status).toBe(201);
    const loan = out.body.loan;
    expect(loan.item).toEqual({ agency: KSL, barcode: 'B0000001' });
    expect(loan.dueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // dueAt is the end of the due day in Asia/Shanghai
    expect(shanghaiDate(new Date(loan.dueAt))).toBe(loan.dueDate);
    expect(new Date(loan.dueAt).getTime()).toBeGreaterThan(Date.now() + 7 * 86400_000);

    const loans = await api('GET', `/api/patrons/${KSL}/P0000001/loans`);
    expect(loans.status).toBe(200);
    expect(JSON.stringify(loans.body)).toContain('B0000001');

    const again = await checkout('P0000004', 'B0000001');
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('ITEM_ALREADY_ON_LOAN');

    const renewed = await api('POST', '/api/circulation/renew', {
      patron: { agency: KSL, barcode: 'P0000001' },
      item: { agency: KSL, barcode: 'B0000001' },
    });
    expect(renewed.status).toBe(200);
    expect(renewed.body.loan.renewals).toBe(1);

    const back = await checkin('B0000001', 'KSL-ZS');
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ wasOnLoan: true, transit: true, destination: 'KSL-MAIN' });
    const notOnLoan = await checkin('B0000001');
    expect(notOnLoan.status).toBe(200);
    expect(notOnLoan.body.wasOnLoan).toBe(false);
  });

  it.each([
    ['P0000002', 'B0000002', 'CARD_LOST'],
    ['P0000003', 'B0000002', 'CARD_EXPIRED'],
    ['P9999999', 'B0000002', 'PATRON_UNKNOWN'],
    ['P0000001', 'B9999999', 'ITEM_UNKNOWN'],
    ['P0000001', 'B0000029', 'ITEM_NOT_LOANABLE'],
    ['P0000001', 'B0000030', 'ITEM_NOT_LOANABLE'],
  ])('refuses %s borrowing %s with %s', async (patron, item, code) => {
    const res = await checkout(patron, item);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.body.code).toBe(code);
  });

  it('answers an invalid body with a validation error naming the field', async () => {
    const res = await api('POST', '/api/circulation/checkout', {
      patron: { agency: 'KSL', barcode: 'P0000001' },
      item: { agency: KSL, barcode: 'B0000003' },
      branch: 'KSL-MAIN',
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.message).toMatch(/patron\.agency/);
  });

  it('lets exactly one of 20 concurrent checkouts of one item win', async () => {
    const patrons = ['P0000001', 'P0000004'];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => checkout(patrons[i % 2], 'B0000005', i % 2 ? 'KSL-ZS' : 'KSL-MAIN')),
    );
    const wins = results.filter((r) => r.status === 201);
    const losses = results.filter((r) => r.status === 409 && r.body.code === 'ITEM_ALREADY_ON_LOAN');
    expect(wins).toHaveLength(1);
    expect(losses).toHaveLength(19);
    const back = await checkin('B0000005');
    expect(back.body.wasOnLoan).toBe(true);
  });

  it('carries the correlation id through', async () => {
    const res = await fetch(`${env.gatewayUrl}/api/items/${KSL}/B0000002`, {
      headers: { authorization: `Bearer ${env.apiKey}`, 'x-correlation-id': 'e2e-corr-1' },
    });
    expect(res.headers.get('x-correlation-id')).toBe('e2e-corr-1');
  });
});
