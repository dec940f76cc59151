import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createStandaloneRpcClient, NatsRpcClient, RemoteError } from '@app/common';
import { CatalogCreateItem, CatalogCreateRecord, ErrorCode, PatronsCreate } from '@app/contracts';
import { findFreePorts } from '@app/runtime';
import { Fault, faultsFor, Shape } from './faults';
import { AnyDriver, CHAOS_AGENCY, CHAOS_BRANCH, DeskDriver, KioskDriver, sleep } from './load-drivers';
import { emptyFindings, reconcile } from './reconcile';
import { ChaosReport, PhaseReport } from './report-table';
import { SuiteChecks } from './suite-checks';
import { LauncherState, SuiteProcess } from './suite-process';
import { TransactionLog } from './transaction-log';

export interface ChaosOptions {
  shape: Shape;
  full: boolean;
  /** also fail on refused-but-committed transactions (exactly-once circulation) */
  strict: boolean;
  distRoot: string;
  keepData: boolean;
  log: (m: string) => void;
}

const PREFIX = 'CHAOS-';
const ITEMS_PER_DRIVER = 6;
/** bounds of every wait: a run always ends */
const STARTUP_MS = 240_000;
const RECOVERY_MS = 120_000;
const CONVERGE_MS = 60_000;

/**
 * `npm run chaos`: starts the suite (embedded default or cluster shape) on a private data dir and
 * loopback ports, seeds its own patrons and items, drives SIP2 kiosks and HTTP desks, injects each
 * fault in turn and measures recovery and convergence, then reconciles the kiosks' log with the
 * databases. Everything it signals is a process of the suite it started.
 */
export async function runChaos(opts: ChaosOptions): Promise<ChaosReport> {
  const { log } = opts;
  const started = Date.now();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `circulation-chaos-${opts.shape}-`));
  fs.chmodSync(dataDir, 0o755); // the postgres OS user must reach the cluster inside
  const cluster = opts.shape === 'cluster';
  const apiKey = `chaos-${Math.random().toString(36).slice(2)}`;
  const ports = await pickPorts(cluster);
  const suite = new SuiteProcess({
    distRoot: opts.distRoot,
    dataDir,
    log,
    startupTimeoutMs: STARTUP_MS,
    env: {
      EMBEDDED_PG_PORT: String(ports.pg),
      EMBEDDED_NATS_PORT: String(ports.nats),
      PORT: String(ports.http),
      SIP2_PORT: String(ports.sip2),
      SIP2_TLS_PORT: String(ports.sip2tls),
      REPLICA_PORT_OFFSET: String(ports.offset),
      BOOTSTRAP_API_KEY: apiKey,
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'true',
      ...(cluster ? { NATS_CLUSTER: '3', SERVICE_REPLICAS: '2' } : {}),
    },
  });
  const txLog = new TransactionLog();
  const drivers: AnyDriver[] = [];
  let checks: SuiteChecks | undefined;
  let rpc: { client: NatsRpcClient; close: () => Promise<void> } | undefined;
  try {
    log(
      `starting the suite (${opts.shape}${cluster ? ': 3 NATS nodes, 2 replicas of every service' : ''}) in ${dataDir}`,
    );
    const state = await suite.start();
    log(
      `suite up in ${((Date.now() - started) / 1000).toFixed(1)} s: gateways ${state.gatewayUrls.join(' ')}, SIP2 ports ${state.sip2Ports.join(' ')}`,
    );
    checks = await SuiteChecks.open(state.databaseUrl, state.natsUrl);
    rpc = createStandaloneRpcClient(state.natsUrl, 'chaos-seed', 15_000);

    const kiosks = opts.full ? 8 : 4;
    const desks = opts.full ? 2 : 1;
    const work = await seed(rpc.client, kiosks + desks, log);
    for (let i = 0; i < kiosks; i++) {
      drivers.push(
        new KioskDriver(work[i], txLog, 20, state.sip2Ports[i % state.sip2Ports.length], {
          user: 'kiosk01',
          password: 'kiosk01-secret',
        }),
      );
    }
    for (let i = 0; i < desks; i++) {
      drivers.push(
        new DeskDriver(work[kiosks + i], txLog, 40, state.gatewayUrls[i % state.gatewayUrls.length], apiKey),
      );
    }
    await rpc.close();
    rpc = undefined;

    const faults = faultsFor(opts.shape, opts.full);
    const loadMs = opts.full ? 5_000 : 2_000;
    const phases: PhaseReport[] = [];
    const baseline: Fault = { name: 'none (baseline)', inject: async () => undefined };
    for (const fault of [baseline, ...faults]) {
      phases.push(await runPhase(fault, { suite, state, checks, drivers, loadMs, apiKey, log }));
    }

    // the verdict: the whole log against the databases, counted per phase
    const loans = await checks.loans(PREFIX);
    const items = new Set(work.flatMap((w) => w.items));
    // refusals the loans service made good after the fact (write-unresolved: a checkout undone, a checkin listed)
    const compensated = await checks.compensations(PREFIX);
    const findings = reconcile(txLog.records, loans, items, compensated);
    for (const p of phases) {
      p.findings = findings.get(p.fault) ?? emptyFindings();
      for (const e of p.findings.examples) p.notes.push(e);
    }
    const { total: outboxRows } = await checks.outboxes();
    const stream = await checks.stream();
    const failures: string[] = [];
    for (const p of phases) {
      if (p.findings.lost > 0) failures.push(`${p.fault}: ${p.findings.lost} acknowledged transactions lost`);
      if (p.findings.duplicated > 0) failures.push(`${p.fault}: ${p.findings.duplicated} duplicated`);
      if (opts.strict && p.findings.refusedButCommitted > 0)
        failures.push(`${p.fault}: ${p.findings.refusedButCommitted} refused but committed`);
      if (p.recoveryMs === null) failures.push(`${p.fault}: no recovery within ${RECOVERY_MS / 1000} s`);
      if (p.convergedMs === null)
        failures.push(`${p.fault}: catalog/outboxes/consumers did not converge within ${CONVERGE_MS / 1000} s`);
      if (p.findings.acked === 0) failures.push(`${p.fault}: no transaction was acknowledged (the load did not run)`);
    }
    if (stream.messages !== outboxRows) {
      const { missing, duplicates } = await checks.missingEvents();
      const detail = [
        ...missing.slice(0, 10).map((m) => `missing: ${m}`),
        ...duplicates.slice(0, 10).map((d) => `twice: ${d}`),
      ].join('\n    ');
      // nothing in a run deletes events: a stream not starting at 1 lost its oldest to a limit
      const trimmed = stream.firstSeq > 1 ? `; its first ${stream.firstSeq - 1} were removed` : '';
      failures.push(
        `the event stream holds ${stream.messages} events for ${outboxRows} outbox rows (${missing.length} missing, ${duplicates.length} twice${trimmed})${detail ? `:\n    ${detail}` : ''}`,
      );
    }
    return {
      shape: cluster
        ? 'cluster (3 NATS nodes, stream replicas ' + stream.replicas + ', 2 replicas of every service)'
        : 'embedded default',
      variant: opts.full ? 'full' : 'short',
      startedAt: new Date(started).toISOString(),
      durationS: Math.round((Date.now() - started) / 1000),
      phases,
      stream: { messages: stream.messages, outboxRows, replicas: stream.replicas },
      strict: opts.strict,
      passed: failures.length === 0,
      failures,
    };
  } finally {
    await Promise.all(drivers.map((d) => d.stop().catch(() => undefined)));
    await rpc?.close().catch(() => undefined);
    await checks?.close();
    await suite.stop();
    if (!opts.keepData) fs.rmSync(dataDir, { recursive: true, force: true });
    else log(`data and logs kept in ${dataDir}`);
  }
}

interface PhaseContext {
  suite: SuiteProcess;
  state: LauncherState;
  checks: SuiteChecks;
  drivers: AnyDriver[];
  loadMs: number;
  apiKey: string;
  log: (m: string) => void;
}

async function runPhase(fault: Fault, ctx: PhaseContext): Promise<PhaseReport> {
  const { drivers, checks, log } = ctx;
  const notes: string[] = [];
  for (const d of drivers) {
    d.phase = fault.name;
    d.start();
  }
  await sleep(ctx.loadMs);
  const faultAt = Date.now();
  log(`— ${fault.name}`);
  await fault.inject({
    signal: (target, signal) => ctx.suite.signal(target, signal),
    dropKioskConnections: () => drivers.forEach((d) => d instanceof KioskDriver && (d.dropNext = true)),
    fillEventStore: (headroom) => checks.fillStream(headroom),
    log: (m) => log(`  ${m}`),
  });
  const over = Date.now();
  // recovered: every gateway says all is up and every driver has been acknowledged since the fault ended
  const recoveredAt = await pollUntil(RECOVERY_MS, async () => {
    const ups = await Promise.all(ctx.state.gatewayUrls.map((g) => healthUp(g, ctx.apiKey)));
    return ups.every(Boolean) && drivers.every((d) => d.lastAckAt > over);
  });
  const recoveryMs = recoveredAt === null ? null : recoveredAt - faultAt;
  log(`  recovered in ${recoveryMs === null ? 'never' : `${(recoveryMs / 1000).toFixed(1)} s`}`);
  await sleep(ctx.loadMs);
  await Promise.all(drivers.map((d) => d.stop()));
  const stoppedAt = Date.now();
  let lastSeen = '';
  const convergedAt = await pollUntil(CONVERGE_MS, async () => {
    const [mismatch, outboxes, stream] = await Promise.all([
      checks.catalogMismatches(PREFIX),
      checks.outboxes(),
      checks.stream(),
    ]);
    const pending = Object.entries(outboxes.pending).filter(([, n]) => n > 0);
    const behind = Object.entries(stream.consumers).filter(([, n]) => n > 0);
    lastSeen = [
      mismatch.length ? `catalog disagrees on ${mismatch.length} items (${mismatch.slice(0, 3).join('; ')})` : '',
      pending.length ? `outboxes not drained: ${pending.map(([s, n]) => `${s} ${n}`).join(', ')}` : '',
      behind.length ? `consumers behind: ${behind.map(([c, n]) => `${c} ${n}`).join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    return lastSeen === '';
  });
  const convergedMs = convergedAt === null ? null : convergedAt - stoppedAt;
  if (convergedAt === null) notes.push(`not converged: ${lastSeen}`);
  log(`  converged in ${convergedMs === null ? `never (${lastSeen})` : `${(convergedMs / 1000).toFixed(1)} s`}`);
  return { fault: fault.name, findings: emptyFindings(), recoveryMs, convergedMs, notes };
}

/** Patrons and items of the run's own, one patron and ITEMS_PER_DRIVER items (owned by KSL-MAIN) per driver. */
async function seed(rpc: NatsRpcClient, drivers: number, log: (m: string) => void) {
  const record = await rpc.call(CatalogCreateRecord, {
    title: '混沌测试用书',
    author: 'chaos',
    publisher: 'chaos',
    year: 2026,
  });
  const work = [];
  for (let d = 0; d < drivers; d++) {
    const patron = `${PREFIX}P${String(d + 1).padStart(3, '0')}`;
    await ignoreExisting(
      rpc.call(PatronsCreate, {
        agency: CHAOS_AGENCY,
        barcode: patron,
        name: `混沌读者${d + 1}`,
        patronType: 'adult',
        homeBranch: CHAOS_BRANCH,
        cardExpiresOn: '2030-12-31',
        pin: '1234',
      }),
    );
    const items: string[] = [];
    for (let i = 0; i < ITEMS_PER_DRIVER; i++) {
      const barcode = `${PREFIX}${String(d + 1).padStart(3, '0')}-${i + 1}`;
      await ignoreExisting(
        rpc.call(CatalogCreateItem, {
          agency: CHAOS_AGENCY,
          barcode,
          recordId: record.id,
          itemType: 'book',
          homeBranch: CHAOS_BRANCH,
        }),
      );
      items.push(barcode);
    }
    work.push({ name: `driver-${d + 1}`, patron, items });
  }
  log(`seeded ${drivers} patrons and ${drivers * ITEMS_PER_DRIVER} items`);
  return work;
}

async function ignoreExisting(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof RemoteError && [ErrorCode.Conflict as string].includes(err.code))) throw err;
  }
}

async function healthUp(gatewayUrl: string, apiKey: string): Promise<boolean> {
  try {
    const res = await fetch(`${gatewayUrl}/health`, {
      headers: { authorization: `Bearer ${apiKey}` },
      signal: AbortSignal.timeout(5_000),
    });
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Polls every 250 ms; the time it first held, or null after `ms`. */
async function pollUntil(ms: number, check: () => Promise<boolean>): Promise<number | null> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      if (await check()) return Date.now();
    } catch {
      // the thing checked may be down right now
    }
    await sleep(250);
  }
  return null;
}

/** Loopback ports for the suite; in the cluster shape the replicas' ports (+offset) and NATS nodes' (+1, +2) must be free too. */
async function pickPorts(cluster: boolean) {
  const [pg, nats, http, sip2, sip2tls] = await findFreePorts(5);
  // replica ports: a fixed offset from the first; checked free by listening on them briefly
  for (let attempt = 0; attempt < 20; attempt++) {
    const offset = 1000 + Math.floor(Math.random() * 20_000);
    const extra = cluster ? [http + offset, sip2 + offset, sip2tls + offset, nats + 1, nats + 2] : [];
    if (extra.every((p) => p < 65_536) && (await portsFree(extra))) return { pg, nats, http, sip2, sip2tls, offset };
  }
  throw new Error('could not find free loopback ports for the replicas');
}

async function portsFree(ports: number[]): Promise<boolean> {
  const net = await import('node:net');
  const results = await Promise.all(
    ports.map(
      (port) =>
        new Promise<boolean>((resolve) => {
          const srv = net.createServer();
          srv.once('error', () => resolve(false));
          srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
        }),
    ),
  );
  return results.every(Boolean);
}
