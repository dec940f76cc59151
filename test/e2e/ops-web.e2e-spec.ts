import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import puppeteer, { Browser, Page } from 'puppeteer-core';
import { createMessage, formatSip2Date, SIP2_BLANK_DATE, Sip2Client } from '@app/sip2-protocol';
import { e2eEnv } from './e2e-env';

/**
 * The ops page (/ops) in a real headless Chromium, against the whole suite: signing in with an ops key,
 * opening every view on the demo network (plus a desk and a kiosk checkout made here), and checking each
 * number shown against the gateway's JSON API. Views whose service is not in this build show an empty
 * state, which is checked too. Screenshots go to OPS_SCREENSHOTS_DIR when set (docs/images).
 */
const env = e2eEnv();
const KSL = 'CN-320583-1-KSL';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const shotsDir = process.env.OPS_SCREENSHOTS_DIR;

async function api(
  p: string,
  key: string | null = env.apiKey,
  init: RequestInit = {},
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${env.gatewayUrl}${p}`, {
    ...init,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(init.body ? { 'content-type': 'application/json' } : {}),
    },
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** read the page and the API until they agree (other tests may move a counter in between), at most 5 rounds */
async function agree<T>(fromPage: () => Promise<T>, fromApi: () => Promise<T>): Promise<{ page: T; api: T }> {
  let last!: { page: T; api: T };
  for (let i = 0; i < 5; i++) {
    last = { page: await fromPage(), api: await fromApi() };
    if (JSON.stringify(last.page) === JSON.stringify(last.api)) return last;
  }
  return last;
}

describe('ops web page in headless Chromium (e2e)', () => {
  let browser: Browser;
  let page: Page;
  let userDataDir: string;
  let kiosk: Sip2Client;
  let session: { today: string; timezone: string; name: string; role: string };
  const consoleErrors: string[] = [];
  const requestedUrls: string[] = [];

  const numberOf = async (key: string): Promise<number> => {
    const text = await page.$eval(`[data-value="${key}"]`, (e) => e.textContent ?? '');
    return Number(text.replace(/,/g, ''));
  };
  const open = async (view: string): Promise<void> => {
    await page.click(`#views button[data-view="${view}"]`);
    await page.waitForSelector(`#view[data-view="${view}"][data-state="ready"]`);
  };
  const shot = async (name: string, fullPage = false): Promise<void> => {
    if (!shotsDir) return;
    fs.mkdirSync(shotsDir, { recursive: true });
    await page.screenshot({ path: path.join(shotsDir, `ops-${name}.png`) as `${string}.png`, fullPage });
  };

  beforeAll(async () => {
    // activity to show: a desk checkout and return, and a kiosk that stays connected with a checkout and return
    const item = { agency: KSL, barcode: 'B0000020' };
    const out = await api('/api/circulation/checkout', env.apiKey, {
      method: 'POST',
      body: JSON.stringify({ patron: { agency: KSL, barcode: 'P0000001' }, item, branch: 'KSL-MAIN' }),
    });
    expect(out.status).toBe(201);
    expect(
      (
        await api('/api/circulation/checkin', env.apiKey, {
          method: 'POST',
          body: JSON.stringify({ item, branch: 'KSL-MAIN' }),
        })
      ).status,
    ).toBe(200);
    kiosk = new Sip2Client({ host: '127.0.0.1', port: env.sip2Port, charset: 'utf-8', timeoutMs: 10_000 });
    await kiosk.connect();
    expect((await kiosk.login('kiosk01', 'kiosk01-secret', 'KSL-MAIN')).response).toMatchObject({
      code: '94',
      fixed: { ok: '1' },
    });
    const now = formatSip2Date(new Date(), 'Asia/Shanghai', 'local');
    const co = await kiosk.send(
      createMessage(
        '11',
        { scRenewalPolicy: 'N', noBlock: 'N', transactionDate: now, nbDueDate: SIP2_BLANK_DATE },
        {
          institutionId: KSL,
          patronIdentifier: 'P0000001',
          itemIdentifier: 'B0000021',
          terminalPassword: '',
          patronPassword: '1234',
        },
      ),
    );
    expect(co.response).toMatchObject({ code: '12', fixed: { ok: '1' } });
    const ci = await kiosk.send(
      createMessage(
        '09',
        { noBlock: 'N', transactionDate: now, returnDate: now },
        { currentLocation: 'KSL-MAIN', institutionId: KSL, itemIdentifier: 'B0000021', terminalPassword: '' },
      ),
    );
    expect(ci.response).toMatchObject({ code: '10', fixed: { ok: '1' } });

    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ops-chromium-'));
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      userDataDir,
      headless: true,
      timeout: 120_000, // Chromium's start on a busy 2-core machine
      args: [
        '--no-sandbox',
        '--headless',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-dev-shm-usage',
      ],
    });
    page = await browser.newPage();
    page.setDefaultTimeout(60_000);
    await page.setViewport({ width: 1180, height: 760 });
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    page.on('request', (r) => requestedUrls.push(r.url()));
    session = (await api('/api/ops/session')).body;
  });

  afterAll(async () => {
    await browser?.close();
    await kiosk?.close();
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
  });

  it('serves the page and chart.js from the gateway itself, with a strict content security policy', async () => {
    const res = await fetch(`${env.gatewayUrl}/ops`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const chart = await fetch(`${env.gatewayUrl}/ops/assets/chart.umd.min.js`);
    expect(chart.status).toBe(200);
    expect((await chart.text()).length).toBeGreaterThan(100_000);
    expect((await fetch(`${env.gatewayUrl}/ops/assets/..%2F..%2Fpackage.json`)).status).toBe(404);
    expect((await api('/api/ops/session', null)).status).toBe(401);
  });

  it('refuses a wrong key and a staff key, then signs in with the ops key', async () => {
    await page.goto(`${env.gatewayUrl}/ops`, { waitUntil: 'load' });
    await page.waitForSelector('#sign-in:not([hidden])');
    await page.type('#api-key', 'not-a-real-key-123456');
    await page.click('#sign-in-form button[type="submit"]');
    await page.waitForFunction("(document.getElementById('sign-in-error').textContent || '').length > 0");
    expect(await page.$eval('#sign-in-error', (e) => e.textContent)).toMatch(/refused/);

    const staff = await api('/api/api-keys', env.apiKey, {
      method: 'POST',
      body: JSON.stringify({ name: 'ops-web-e2e-desk', role: 'staff' }),
    });
    expect(staff.status).toBe(201);
    await page.type('#api-key', staff.body.key);
    await page.click('#sign-in-form button[type="submit"]');
    await page.waitForFunction("/not an ops key/.test(document.getElementById('sign-in-error').textContent || '')");

    await page.type('#api-key', env.apiKey);
    await page.click('#sign-in-form button[type="submit"]');
    await page.waitForSelector('#view[data-view="health"][data-state="ready"]');
    expect(await page.$eval('#who', (e) => e.textContent)).toContain('(ops)');
    // the key lives in this tab's sessionStorage only, never in the address or any URL requested
    expect(await page.evaluate('[sessionStorage.length, localStorage.length]')).toEqual([1, 0]);
    expect(requestedUrls.filter((u) => u.includes(env.apiKey))).toEqual([]);
    expect(page.url()).not.toContain(env.apiKey);
  });

  it('shows the health of every service as /health reports it', async () => {
    await open('health');
    const { page: shown, api: reported } = await agree(
      () =>
        page.$$eval('[data-status]', (els) =>
          Object.fromEntries(els.map((e) => [e.getAttribute('data-status'), e.textContent])),
        ),
      async () => {
        const h = (await api('/health')).body;
        return Object.fromEntries(
          Object.entries(h.services as Record<string, { status: string }>).map(([k, v]) => [k, v.status]),
        );
      },
    );
    expect(shown).toEqual(reported);
    expect(Object.keys(shown)).toEqual(expect.arrayContaining(['patrons', 'catalog', 'loans', 'sip2']));
    await shot('health');
  });

  it("shows today's circulation by branch and channel as the statistics API counts it (or says statistics is absent)", async () => {
    const probe = await api(`/api/statistics/circulation?from=${session.today}&to=${session.today}`);
    await open('today');
    if (probe.status === 404) {
      expect(await page.$('[data-empty="statistics"]')).not.toBeNull();
      return;
    }
    expect(probe.status).toBe(200);
    const sums = async () => {
      const rows = (await api(`/api/statistics/circulation?from=${session.today}&to=${session.today}`)).body.rows as {
        branch: string;
        channel: string;
        count: number;
      }[];
      const cells: Record<string, number> = {};
      for (const r of rows)
        cells[`${r.branch}|${r.channel}`] = (cells[`${r.branch}|${r.channel}`] ?? 0) + Number(r.count);
      return cells;
    };
    const { page: shown, api: counted } = await agree(async () => {
      await open('today');
      const keys = await page.$$eval('[data-value^="cell:"]', (els) =>
        els.map((e) => e.getAttribute('data-value')!.slice(5)),
      );
      const out: Record<string, number> = {};
      for (const k of keys) if ((await numberOf('cell:' + k)) > 0) out[k] = await numberOf('cell:' + k);
      return out;
    }, sums);
    expect(shown).toEqual(counted);
    expect(await numberOf('total')).toBe(Object.values(counted).reduce((a, b) => a + b, 0));
    expect(await page.$$eval('canvas[data-chart="drawn"]', (els) => els.length)).toBe(1);
    await shot('today');
  });

  it('shows the hour heat map with the counts of the statistics API', async () => {
    await open('heatmap');
    const to = session.today;
    const fromDate = new Date(to + 'T00:00:00Z');
    fromDate.setUTCDate(fromDate.getUTCDate() - 27);
    const q = `/api/statistics/heatmap?from=${fromDate.toISOString().slice(0, 10)}&to=${to}&action=checkout`;
    const probe = await api(q);
    if (probe.status === 404) {
      expect(await page.$('[data-empty="statistics"]')).not.toBeNull();
      return;
    }
    const { page: shown, api: counted } = await agree(
      async () => {
        await open('heatmap');
        return {
          total: await numberOf('heat-total'),
          cells: await page.$$eval('[data-value^="heat:"]', (els) => els.map((e) => Number(e.textContent || 0))),
        };
      },
      async () => {
        const r = (await api(q)).body as { total: number; counts: number[][] };
        return { total: r.total, cells: r.counts.flat() };
      },
    );
    expect(shown).toEqual(counted);
    await shot('heatmap');
  });

  it('shows the annual report of a chosen year with its chart', async () => {
    await open('annual');
    const year = Number(session.today.slice(0, 4));
    const probe = await api(`/api/statistics/annual?year=${year}`);
    if (probe.status === 404) {
      expect(await page.$('[data-empty="statistics"]')).not.toBeNull();
      return;
    }
    // choose the year explicitly, as an operator would
    await page.evaluate("document.getElementById('year').value = ''");
    await page.type('#year', String(year));
    await page.click('#show-year');
    await page.waitForSelector('#view[data-view="annual"][data-state="ready"]');
    const { page: shown, api: counted } = await agree(
      async () => page.$$eval('[data-value^="branch:"]', (els) => els.map((e) => e.textContent!.replace(/,/g, ''))),
      async () =>
        ((await api(`/api/statistics/annual?year=${year}`)).body.branches.rows as Record<string, unknown>[]).flatMap(
          (r) => [String(r.branch), String(r.count)],
        ),
    );
    expect(shown).toEqual(counted);
    const annual = (await api(`/api/statistics/annual?year=${year}`)).body;
    expect(
      await page.$$eval('[data-value^="annual:"][data-value$=":indicator"]', (els) => els.map((e) => e.textContent)),
    ).toEqual(annual.table.rows.map((r: { indicator: string }) => r.indicator));
    expect(await page.$$eval('canvas[data-chart="drawn"]', (els) => els.length)).toBe(1);
    await shot('annual', true);
  });

  it('shows SIP2 terminals and connections as the SIP2 API reports them, our kiosk among them', async () => {
    const { page: shown, api: reported } = await agree(
      async () => {
        await open('sip2');
        return {
          open: await numberOf('sip2-open'),
          terminals: await numberOf('sip2-terminals'),
          kiosk01: await numberOf('sip2-connected:kiosk01'),
        };
      },
      async () => {
        const metrics = (await api('/api/sip2/metrics')).body;
        return {
          open: metrics.connections.open,
          terminals: (await api('/api/sip2/terminals?limit=200')).body.total,
          kiosk01: metrics.connectedByTerminal.kiosk01 ?? 0,
        };
      },
    );
    expect(shown).toEqual(reported);
    expect(shown.open).toBeGreaterThanOrEqual(1);
    // our kiosk is logged in as kiosk01 while the page is open: connected now, per terminal
    expect(shown.kiosk01).toBeGreaterThanOrEqual(1);
    expect(await page.$('[data-terminal="kiosk01"]')).not.toBeNull();
    await shot('sip2');
  });

  it('shows lockers and compartments from the delivery service (or an empty state)', async () => {
    await open('lockers');
    const probe = await api('/api/delivery/lockers');
    if (probe.status === 404 || (probe.status === 200 && probe.body.length === 0)) {
      expect(await page.$(`[data-empty="lockers"]`)).not.toBeNull();
    } else {
      expect(probe.status).toBe(200);
      expect(await numberOf('lockers')).toBe(probe.body.length);
      for (const l of probe.body as { code: string; compartments: unknown[] }[])
        expect(await numberOf('compartments:' + l.code)).toBe(l.compartments.length);
    }
    await shot('lockers');
  });

  it('shows partner exchanges waiting for a person (or an empty state)', async () => {
    await open('partners');
    const probe = await api('/api/federation/failed?status=open&limit=100');
    if (probe.status === 404) {
      expect(await page.$('[data-empty="partner exchanges"]')).not.toBeNull();
    } else {
      expect(probe.status).toBe(200);
      expect(await numberOf('failed-open')).toBe(probe.body.total);
    }
    await shot('partners');
  });

  it('signs out, forgetting the key, and logged no script errors', async () => {
    await page.click('#sign-out');
    await page.waitForSelector('#sign-in:not([hidden])');
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    // refused keys (401/403) and absent services (404) show in the console as failed loads: expected
    expect(
      consoleErrors.filter(
        (e) => !/^Failed to load resource: the server responded with a status of (401|403|404)/.test(e),
      ),
    ).toEqual([]);
  });
});
