/* eslint-disable @typescript-eslint/no-require-imports -- loads the compiled dist/ like the e2e globalSetup */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The embedded default heals itself: SIGKILL the nats-server, then the PostgreSQL postmaster, of a
 * suite started by the launcher (its own, on a private data dir and free ports: never the shared e2e
 * suite, never a process this test did not start), and the launcher starts them again; /health comes
 * back and circulation works. While nats-server hangs (SIGSTOP) /health says that NATS is down.
 */
const root = path.resolve(__dirname, '../..');
const dist = path.join(root, 'dist');
const KSL = 'CN-320583-1-KSL';

type Launcher = typeof import('../../libs/suite/src');
type RunningSuite = Awaited<ReturnType<Launcher['launchSuite']>>;

let suite: RunningSuite;
let dataDir: string;
let logFile: fs.WriteStream;
const launcherLines: string[] = [];
const apiKey = 'self-healing-key-' + Math.random().toString(36).slice(2);

async function api(method: string, p: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${suite.gatewayUrl}${p}`, {
    method,
    headers: {
      authorization: `Bearer ${apiKey}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Polls `check` every 250 ms until it returns a value, for at most `ms`. */
async function until<T>(what: string, ms: number, check: () => Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `timed out after ${ms} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`,
  );
}

const healthy = () => until('/health 200', 90_000, async () => (await api('GET', '/health')).status === 200);

function serverPid(name: 'nats' | 'postgres'): number {
  const pid = suite.infra!.servers![name].current()?.pid;
  if (!pid) throw new Error(`${name} is not running`);
  return pid;
}

beforeAll(async () => {
  require('reflect-metadata');
  const suiteJs = path.join(dist, 'libs/suite/src/index.js');
  const { launchSuite, LauncherEnvDto } = require(suiteJs) as Launcher;
  const { loadConfig } = require(
    path.join(dist, 'libs/common/src/config/load-config.js'),
  ) as typeof import('../../libs/common/src/config/load-config');
  const { findFreePorts } = require(
    path.join(dist, 'libs/runtime/src/free-port.js'),
  ) as typeof import('../../libs/runtime/src/free-port');
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'circulation-self-healing-'));
  const [pg, nats, http, sip2, sip2tls] = await findFreePorts(5);
  const env = loadConfig(LauncherEnvDto, {
    DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(pg),
    EMBEDDED_NATS_PORT: String(nats),
    PORT: String(http),
    SIP2_PORT: String(sip2),
    SIP2_TLS_PORT: String(sip2tls),
    BOOTSTRAP_API_KEY: apiKey,
    LOG_LEVEL: 'warn',
  });
  logFile = fs.createWriteStream(path.join(dataDir, 'services.log'));
  suite = await launchSuite({
    env,
    passEnv: { PATH: process.env.PATH, HOME: process.env.HOME },
    distRoot: dist,
    log: (m: string) => {
      launcherLines.push(m);
      logFile.write(`[launcher] ${m}\n`);
    },
    stdout: logFile,
    stderr: logFile,
  });
}, 180_000);

afterAll(async () => {
  await suite?.stop();
  logFile?.end();
  if (dataDir && !process.env.E2E_KEEP) fs.rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('self-healing embedded default (e2e)', () => {
  jest.setTimeout(180_000);

  it('says on /health that NATS is down while nats-server hangs, and recovers when it resumes', async () => {
    const pid = serverPid('nats');
    process.kill(pid, 'SIGSTOP');
    try {
      const down = await until('/health to report NATS down', 60_000, async () => {
        const res = await api('GET', '/health');
        return res.status === 503 && res.body?.gateway?.nats?.status === 'down' ? res : undefined;
      });
      expect(down.body.status).toBe('degraded');
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await healthy();
  });

  it('restarts a SIGKILLed nats-server; events still flow to the catalog afterwards', async () => {
    const pid = serverPid('nats');
    process.kill(pid, 'SIGKILL');
    await until(
      'the launcher to restart nats-server',
      60_000,
      async () =>
        launcherLines.some((l) => l.includes(`nats (pid ${pid}) exited unexpectedly`)) &&
        suite.infra!.servers!.nats.status().restarts >= 1,
    );
    expect(serverPid('nats')).not.toBe(pid);
    await healthy();
    const out = await until('a checkout to succeed', 60_000, async () => {
      const r = await api('POST', '/api/circulation/checkout', {
        patron: { agency: KSL, barcode: 'P0000001' },
        item: { agency: KSL, barcode: 'B0000009' },
        branch: 'KSL-MAIN',
      });
      return r.status === 201 ? r : undefined;
    });
    expect(out.body.loan.item.barcode).toBe('B0000009');
    // (B0000009 and B0000013 belong to KSL-MAIN: a checkin there makes them available, no transit)
    // the event went through the restarted server's JetStream store to the catalog
    await until(
      'the catalog to show B0000009 on loan',
      60_000,
      async () => (await api('GET', `/api/items/${KSL}/B0000009`)).body?.status === 'on_loan',
    );
  });

  it('restarts a SIGKILLed PostgreSQL postmaster; circulation works again', async () => {
    const pid = serverPid('postgres');
    process.kill(pid, 'SIGKILL');
    await until(
      'the launcher to restart PostgreSQL',
      90_000,
      async () =>
        suite.infra!.servers!.postgres.status().restarts >= 1 && suite.infra!.servers!.postgres.status().state === 'up',
    );
    expect(launcherLines.some((l) => l.includes(`postgres (pid ${pid}) exited unexpectedly`))).toBe(true);
    expect(launcherLines.some((l) => /postgres is up again/.test(l))).toBe(true);
    await healthy();
    const back = await until('a checkin to succeed', 60_000, async () => {
      const r = await api('POST', '/api/circulation/checkin', {
        item: { agency: KSL, barcode: 'B0000009' },
        branch: 'KSL-MAIN',
      });
      return r.status === 200 ? r : undefined;
    });
    expect(back.body.wasOnLoan).toBe(true);
    const out = await until('a checkout to succeed', 60_000, async () => {
      const r = await api('POST', '/api/circulation/checkout', {
        patron: { agency: KSL, barcode: 'P0000001' },
        item: { agency: KSL, barcode: 'B0000013' },
        branch: 'KSL-MAIN',
      });
      return r.status === 201 ? r : undefined;
    });
    expect(out.body.loan.item.barcode).toBe('B0000013');
    await until('the catalog to show B0000009 available and B0000013 on loan', 60_000, async () => {
      const [a, b] = await Promise.all([
        api('GET', `/api/items/${KSL}/B0000009`),
        api('GET', `/api/items/${KSL}/B0000013`),
      ]);
      return a.body?.status === 'available' && b.body?.status === 'on_loan';
    });
  });
});
