import { createMessage, formatSip2Date, Sip2Client } from '@app/sip2-protocol';
import { e2eEnv } from './e2e-env';

/**
 * Every service exposes Prometheus metrics on its METRICS_PORT (the launcher gave each a free port);
 * after real traffic (an HTTP checkout and return, a SIP2 session) the named series are there.
 */
const env = e2eEnv();
const KSL = 'CN-320583-1-KSL';

async function scrape(service: string): Promise<string> {
  const res = await fetch(env.metricsUrls[service]);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return res.text();
}

/** The value of one sample (exact label set as Prometheus prints it), or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})? (\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[3] ?? '').split(',').filter(Boolean);
    if (want.every((w) => have.includes(w))) return Number(m[4]);
  }
  return undefined;
}

describe('Prometheus metrics (e2e)', () => {
  beforeAll(async () => {
    // real traffic: a desk checkout and return over HTTP, a kiosk status over SIP2
    const auth = { authorization: `Bearer ${env.apiKey}`, 'content-type': 'application/json' };
    const item = { agency: KSL, barcode: 'B0000021' };
    const out = await fetch(`${env.gatewayUrl}/api/circulation/checkout`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ patron: { agency: KSL, barcode: 'P0000004' }, item, branch: 'KSL-MAIN' }),
    });
    expect([201, 409]).toContain(out.status);
    const back = await fetch(`${env.gatewayUrl}/api/circulation/checkin`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ item, branch: 'KSL-MAIN' }),
    });
    expect(back.status).toBe(200);
    const c = new Sip2Client({ host: '127.0.0.1', port: env.sip2Port, charset: 'utf-8', timeoutMs: 10_000 });
    await c.connect();
    try {
      expect((await c.login('kiosk01', 'kiosk01-secret', 'KSL-MAIN')).response).toMatchObject({
        code: '94',
        fixed: { ok: '1' },
      });
      await c.scStatus();
      await c.send(
        createMessage(
          '23',
          { language: '019', transactionDate: formatSip2Date(new Date(), 'Asia/Shanghai', 'local') },
          { institutionId: KSL, patronIdentifier: 'P0000001', terminalPassword: '' },
        ),
      );
    } finally {
      await c.close();
    }
  });

  it('every service has a listener with process, pool and outbox series', async () => {
    for (const service of ['patrons', 'catalog', 'loans', 'delivery', 'federation', 'sip2', 'statistics', 'gateway']) {
      const text = await scrape(service);
      expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeDefined();
      expect(sample(text, 'db_pool_connections', { service, state: 'in_use' })).toBeGreaterThanOrEqual(0);
      expect(sample(text, 'outbox_backlog_events', { service })).toBeGreaterThanOrEqual(0);
    }
  });

  it('loans counts circulation by action, channel and outcome, and times its NATS handlers and relay', async () => {
    const text = await scrape('loans');
    expect(
      sample(text, 'circulation_transactions_total', { action: 'checkin', channel: 'desk', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'nats_handler_duration_seconds_count', { subject: 'loans.checkin.v1', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'nats_request_duration_seconds_count', { subject: 'catalog.items.get.v1', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'outbox_relay_lag_seconds_count')).toBeGreaterThanOrEqual(1);
  });

  it('consumers report their JetStream lag', async () => {
    expect(
      sample(await scrape('catalog'), 'jetstream_consumer_pending', {
        service: 'catalog',
        durable: 'catalog-loan-status',
      }),
    ).toBeGreaterThanOrEqual(0);
    expect(
      sample(await scrape('statistics'), 'jetstream_consumer_pending', {
        service: 'statistics',
        durable: 'statistics',
      }),
    ).toBeGreaterThanOrEqual(0);
  });

  it('sip2 counts connections and messages by type, terminal and outcome', async () => {
    const text = await scrape('sip2');
    expect(
      sample(text, 'sip2_messages_total', { type: '93', terminal: 'kiosk01', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'sip2_messages_total', { type: '99', terminal: 'kiosk01', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'sip2_messages_total', { type: '23', terminal: 'kiosk01' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'sip2_message_duration_seconds_count', { type: '99' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'sip2_connections_total', { kind: 'tcp' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'sip2_connections_open')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'sip2_logins_total', { outcome: 'ok' })).toBeGreaterThanOrEqual(1);
  });

  it('delivery reports each locker site online or offline (the LockerOffline alert)', async () => {
    // the demo's locker sites are registered online
    expect(sample(await scrape('delivery'), 'delivery_locker_online', { locker: 'KSL-LK-BC' })).toBe(1);
  });

  it('the gateway serves /metrics on its own port to loopback callers, with its NATS client latencies', async () => {
    const res = await fetch(`${env.gatewayUrl}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(
      sample(text, 'nats_request_duration_seconds_count', { subject: 'loans.checkin.v1', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});
