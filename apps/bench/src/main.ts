import 'reflect-metadata';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { connect } from 'nats';
import { createStandaloneRpcClient, RemoteError } from '@app/common';
import { Sip2GetTerminal, Sip2UpsertTerminal } from '@app/contracts';
import {
  BENCH_AGENCY,
  BENCH_PIN,
  TERMINAL_PASSWORD,
  branchCode,
  itemBarcode,
  kioskBranch,
  kioskItems,
  kioskPatrons,
  layoutFor,
  patronBarcode,
  terminalLogin,
} from './data/layout';
import { DatasetInfo, ensureDataset } from './data/generator';
import { measureNatsLimit, NatsLimitResult } from './limits/nats-limit';
import { measurePgLimit, PgLimitResult } from './limits/pg-limit';
import { LoadGenerator } from './load/load-generator';
import { KioskSpec } from './load/kiosk-protocol';
import { BenchOptions, parseBenchArgs, UsageError } from './options';
import { ProcSampler } from './report/proc-stats';
import {
  BenchReport,
  PhaseResult,
  cpuPerMessage,
  evaluateTargets,
  headlineTable,
  ratio,
  smokeCheck,
  writeReport,
} from './report/report';
import { replayYear, ReplayResult } from './replay';
import { SCALES } from './scale';
import { BenchSuite, bringUpSuite } from './suite';

const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);
const DIST_ROOT = path.resolve(__dirname, '../../..');
const REPO_ROOT = path.resolve(DIST_ROOT, '..');

function stamp(d = new Date()): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
}

async function machineInfo(databaseUrl: string, natsUrl: string): Promise<Record<string, unknown>> {
  const cpus = os.cpus();
  const info: Record<string, unknown> = {
    hostname: os.hostname(),
    cpus: cpus.length,
    cpu_model: cpus[0]?.model.trim(),
    mem_gib: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
  };
  try {
    const c = new Client({ connectionString: databaseUrl });
    await c.connect();
    info.postgres = (await c.query('SHOW server_version')).rows[0].server_version;
    await c.end();
  } catch {
    // reported as unknown
  }
  try {
    const nc = await connect({ servers: natsUrl });
    info.nats_server = nc.info?.version;
    await nc.close();
  } catch {
    // reported as unknown
  }
  return info;
}

/** One SIP2 terminal account per simulated kiosk, through the sip2 service's own NATS API (idempotent). */
async function ensureTerminals(natsUrl: string, kiosks: KioskSpec[]): Promise<{ created: number; existing: number }> {
  const { client, close } = createStandaloneRpcClient(natsUrl, 'bench-terminals', 30_000);
  let created = 0;
  let existing = 0;
  try {
    const queue = [...kiosks];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let k = queue.shift(); k; k = queue.shift()) {
          try {
            const t = await client.call(Sip2GetTerminal, { login: k.login });
            if (t.enabled && t.location === k.location) {
              existing++;
              continue;
            }
          } catch (err) {
            if (!(err instanceof RemoteError)) throw err;
          }
          await client.call(Sip2UpsertTerminal, {
            login: k.login,
            password: k.password,
            institutionId: BENCH_AGENCY,
            location: k.location,
            charset: 'utf-8',
            enabled: true,
            description: `benchmark kiosk ${k.index + 1}`,
          });
          created++;
        }
      }),
    );
  } finally {
    await close();
  }
  return { created, existing };
}

interface Collected {
  errors: number;
  samples: string[];
  skipped: string[];
}

async function phase<T>(name: string, c: Collected, fn: () => Promise<T>): Promise<T | null> {
  const t0 = Date.now();
  log(`${name} …`);
  try {
    const r = await fn();
    log(`${name} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return r;
  } catch (err) {
    c.errors++;
    c.samples.push(`${name} failed: ${(err as Error).message}`);
    log(`${name} FAILED: ${(err as Error).stack ?? err}`);
    return null;
  }
}

async function run(o: BenchOptions): Promise<number> {
  const spec = SCALES[o.scale];
  if (o.kiosks > spec.kioskCapacity)
    throw new UsageError(`--kiosks ${o.kiosks} exceeds the ${o.scale} dataset's ${spec.kioskCapacity} reserved kiosks`);
  const startedAt = new Date();
  const out = path.resolve(
    o.out ?? path.join(REPO_ROOT, 'bench', 'results', `bench-${o.scale}-${stamp(startedAt)}.json`),
  );
  const c: Collected = { errors: 0, samples: [], skipped: [] };
  const l = layoutFor(spec);

  log(`scale ${o.scale}, ${o.kiosks} kiosks; bringing the suite up`);
  const cpuProfDir = o.cpuProf ? path.join(REPO_ROOT, 'bench', 'results', 'profiles', stamp(startedAt)) : undefined;
  const bs: BenchSuite = await bringUpSuite({ scale: o.scale, kiosks: o.kiosks, distRoot: DIST_ROOT, cpuProfDir, log });
  const { suite } = bs;
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= suite.stop());
  const onSignal = (sig: string) => {
    log(`${sig}: stopping the suite`);
    void stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  process.once('exit', () => suite.supervisor.killAllSync());
  log(
    `suite up in ${bs.startSeconds.toFixed(1)} s (${suite.embedded ? `embedded, data in ${bs.dataDir}` : 'external servers'}); SIP2 on 127.0.0.1:${suite.sip2Port}; service logs in ${bs.logFile}`,
  );

  const sampler = new ProcSampler();
  for (const [name, pid] of Object.entries(suite.supervisor.pids())) sampler.watch(name, pid);
  if (bs.infraPids.postgres) sampler.watch('postgres (all backends)', bs.infraPids.postgres, true);
  if (bs.infraPids.nats) sampler.watch('nats-server', bs.infraPids.nats);
  sampler.watch('bench (load generator)', process.pid);
  sampler.start(1000);

  const report: Partial<BenchReport> = { sweep: [], closed_loop: null, open_loop: null };
  const phaseCpu: Record<string, Record<string, number>> = {};
  let dataset: DatasetInfo | null = null;
  let natsLimit: NatsLimitResult | null = null;
  let pgLimit: PgLimitResult | null = null;
  let replay: ReplayResult | null = null;
  let machine: Record<string, unknown> = {};
  /** The report as far as the run has got (written after the SIP2 phases too, so a long replay or an interrupted run still leaves numbers). */
  const buildReport = (): BenchReport => {
    sampler.sample();
    const usage = sampler.report();
    const serviceNames = new Set(Object.keys(suite.supervisor.pids()));
    const services = Object.fromEntries(Object.entries(usage).filter(([n]) => serviceNames.has(n)));
    const infra = Object.fromEntries(Object.entries(usage).filter(([n]) => !serviceNames.has(n)));
    const r: BenchReport = {
      version: 1,
      started_at: startedAt.toISOString(),
      finished_at: new Date().toISOString(),
      machine,
      scale: o.scale,
      dataset: {
        ...(dataset ?? {}),
        layout: {
          general_items: l.generalItems,
          general_patrons: l.generalPatrons,
          kiosk_capacity: spec.kioskCapacity,
        },
      },
      infrastructure: {
        embedded: suite.embedded,
        data_dir: suite.embedded ? bs.dataDir : null,
        services_started: bs.services,
        services_missing: bs.missing,
        suite_start_seconds: Math.round(bs.startSeconds * 10) / 10,
        log_level: process.env.LOG_LEVEL ?? 'info',
        sip2_max_connections_per_address: bs.sip2MaxConnectionsPerAddress,
        load_generator: `${o.workers} worker thread(s) in the bench process; the services are separate processes`,
        cpu_by_phase_pct: phaseCpu,
        cpu_profiles: cpuProfDir ?? null,
      },
      kiosks: o.kiosks,
      warmup: report.warmup,
      sweep: report.sweep!,
      closed_loop: report.closed_loop
        ? { ...report.closed_loop, cpu_ms_per_msg: cpuPerMessage(phaseCpu.closed_loop, report.closed_loop.tx_per_s) }
        : null,
      open_loop: report.open_loop ?? null,
      limits: {
        nats_req_per_s: natsLimit?.req_per_s ?? null,
        nats: natsLimit as unknown as Record<string, unknown> | null,
        pg_checkout_tx_per_s: pgLimit?.tx_per_s ?? null,
        pg: pgLimit as unknown as Record<string, unknown> | null,
      },
      ratios: {
        pg: ratio(report.closed_loop?.tx_per_s, pgLimit?.tx_per_s),
        nats: ratio(report.closed_loop?.tx_per_s, natsLimit?.req_per_s),
        pg_circulation_only: ratio(report.closed_loop?.circulation_tx_per_s, pgLimit?.tx_per_s),
      },
      year_replay: replay
        ? {
            ...replay,
            error_samples: undefined,
            // a partial replay (--replay-transactions) is scaled to the scale's year at the measured rate
            ...(replay.transactions < spec.replayTransactions
              ? {
                  full_year_transactions: spec.replayTransactions,
                  extrapolated_full_year_seconds: Math.round(
                    (replay.seconds * spec.replayTransactions) / Math.max(1, replay.transactions),
                  ),
                }
              : {}),
          }
        : { seconds: null, skipped: true },
      services,
      infra_processes: infra,
      rss_total_mib: Math.round(Object.values(services).reduce((n, s) => n + s.peak_rss_mib, 0) * 10) / 10,
      errors: c.errors,
      error_samples: c.samples.slice(0, 50),
      skipped: c.skipped,
      targets: {},
    };
    r.targets = evaluateTargets(r);
    return r;
  };
  try {
    machine = await machineInfo(suite.databaseUrl, suite.natsUrl);
    dataset = await phase('dataset', c, () => ensureDataset(suite.databaseUrl, spec, { reload: o.reload, log }));
    sampler.resetCpu();

    let snap = sampler.snapshot();
    natsLimit = await phase(`raw NATS request/reply, ${o.kiosks} concurrent`, c, () =>
      measureNatsLimit(suite.natsUrl, o.kiosks, o.limitSeconds * 1000),
    );
    phaseCpu.nats_limit = sampler.cpuSince(snap);
    const pgConcurrency = Math.min(o.kiosks, 200);
    snap = sampler.snapshot();
    pgLimit = await phase(`raw PostgreSQL checkout tx, ${pgConcurrency} concurrent`, c, () =>
      measurePgLimit(suite.serviceDatabaseUrl, pgConcurrency, o.limitSeconds * 1000),
    );
    phaseCpu.pg_limit = sampler.cpuSince(snap);

    const sipReady = ['sip2', 'loans', 'patrons', 'catalog'].every((s) => bs.services.includes(s as never));
    const kiosks: KioskSpec[] = Array.from({ length: o.kiosks }, (_, k) => ({
      index: k,
      login: terminalLogin(k),
      password: TERMINAL_PASSWORD,
      location: branchCode(kioskBranch(l, k)),
      items: kioskItems(l, k).map(itemBarcode),
      patrons: kioskPatrons(l, k).map(patronBarcode),
    }));
    if (!sipReady || !dataset) {
      c.skipped.push(
        `SIP2 load: needs the sip2, loans, patrons and catalog services and the dataset (missing: ${bs.missing.join(', ') || 'dataset'})`,
      );
    } else {
      const terminals = await phase(`${o.kiosks} SIP2 terminal accounts`, c, () =>
        ensureTerminals(suite.natsUrl, kiosks),
      );
      const gen = new LoadGenerator(
        {
          host: '127.0.0.1',
          port: suite.sip2Port,
          agency: BENCH_AGENCY,
          pin: BENCH_PIN,
          timeZone: 'Asia/Shanghai',
          timeoutMs: 10_000,
        },
        kiosks,
        o.workers,
      );
      try {
        if (terminals) {
          await phase('kiosks connect and log in', c, () => gen.connect());
          const warm = await phase('kiosk warm-up (return leftovers, check PINs, open first loans)', c, () =>
            gen.reset(),
          );
          if (warm) {
            const e = warm.counts.reduce((n, p) => n + p.errors, 0);
            const samples = warm.counts.flatMap((p) => p.errorSamples);
            report.warmup = { ...warm.info, messages: warm.counts.reduce((n, p) => n + p.messages, 0), errors: e };
            if (e) {
              c.errors += e;
              c.samples.push(...samples.slice(0, 10).map((s) => `warm-up: ${s}`));
            }
          }
          const collect = (name: string, r: PhaseResult & { error_samples?: string[] }) => {
            c.errors += r.errors;
            c.samples.push(...(r.error_samples ?? []).slice(0, 10).map((s) => `${name}: ${s}`));
            delete r.error_samples;
            return r;
          };
          for (const level of o.sweep) {
            snap = sampler.snapshot();
            const r = await phase(`closed loop at ${level} kiosks, ${o.sweepSeconds} s`, c, () =>
              gen.run({ mode: 'closed', active: level, durationMs: o.sweepSeconds * 1000 }),
            );
            phaseCpu[`sweep_${level}`] = sampler.cpuSince(snap);
            if (r) report.sweep!.push({ concurrency: level, ...collect(`sweep ${level}`, r) });
          }
          snap = sampler.snapshot();
          const closed = await phase(`closed loop at ${o.kiosks} kiosks, ${o.closedSeconds} s`, c, () =>
            gen.run({ mode: 'closed', active: o.kiosks, durationMs: o.closedSeconds * 1000 }),
          );
          phaseCpu.closed_loop = sampler.cpuSince(snap);
          if (closed) {
            report.closed_loop = collect('closed loop', closed);
            if (!o.sweep.includes(o.kiosks)) report.sweep!.push({ concurrency: o.kiosks, ...closed });
            report.sweep!.sort((a, b) => a.concurrency - b.concurrency);
          }
          snap = sampler.snapshot();
          const open = await phase(`open loop ${o.rate} msg/s over ${o.kiosks} kiosks, ${o.openSeconds} s`, c, () =>
            gen.run({
              mode: 'open',
              active: o.kiosks,
              durationMs: o.openSeconds * 1000,
              rate: o.rate,
              arrival: o.arrival,
              seed: 42,
            }),
          );
          phaseCpu.open_loop = sampler.cpuSince(snap);
          if (open) {
            const r = collect('open loop', open);
            report.open_loop = {
              ...r,
              rate_per_s: o.rate,
              arrival: o.arrival,
              achieved_per_s: r.tx_per_s,
              checkout: r.by_type.checkout ?? { count: 0, p50_ms: 0, p95_ms: 0, p99_ms: 0, max_ms: 0, mean_ms: 0 },
            };
          }
          const fin = await phase('kiosks return their items', c, () => gen.finish());
          if (fin && fin.refused) {
            c.errors += fin.refused;
            c.samples.push(`finish: ${fin.refused} checkins refused`);
          }
        }
      } finally {
        await gen.close();
      }
    }

    const replayTx = o.replayTransactions ?? spec.replayTransactions;
    if (!o.skipReplay && !o.smoke) {
      const partial = buildReport();
      partial.year_replay = { seconds: null, pending: true, transactions: replayTx };
      partial.targets = evaluateTargets(partial);
      const files = writeReport(partial, out);
      log(
        `SIP2 and limit results written to ${files.json} (the year replay follows; the file is rewritten at the end)`,
      );
    }
    if (o.skipReplay) c.skipped.push('year replay (--skip-replay)');
    else if (!bs.services.includes('loans') || !dataset)
      c.skipped.push('year replay: needs the loans service and the dataset');
    else {
      snap = sampler.snapshot();
      replay = await phase(`year replay, ${replayTx.toLocaleString('en-US')} transactions`, c, () =>
        replayYear(suite.natsUrl, l, replayTx, o.replayConcurrency, log),
      );
      phaseCpu.year_replay = sampler.cpuSince(snap);
      if (replay) {
        c.errors += replay.errors;
        c.samples.push(...replay.error_samples.slice(0, 10).map((s) => `replay: ${s}`));
      }
    }

    sampler.stop();
    const r = buildReport();
    const files = writeReport(r, out);
    process.stderr.write(`\n${headlineTable(r)}\n\n`);
    log(`report: ${files.json}, ${files.markdown}, ${files.svg}`);
    if (c.samples.length) log(`errors:\n  ${c.samples.slice(0, 10).join('\n  ')}`);
    if (o.smoke) {
      const problems = smokeCheck(r, files);
      if (problems.length) {
        log(`smoke check FAILED: ${problems.join('; ')}`);
        return 1;
      }
      log('smoke check passed (report written, zero errors)');
      return 0;
    }
    return r.errors === 0 ? 0 : 1;
  } finally {
    log('stopping the suite');
    await stop();
  }
}

if (require.main === module) {
  let opts: BenchOptions;
  try {
    opts = parseBenchArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(err instanceof UsageError && /^npm run bench/.test((err as Error).message) ? 0 : 2);
  }
  run(opts).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`[bench] failed: ${(err as Error).stack ?? err}\n`);
      process.exit(1);
    },
  );
}

export { run };
