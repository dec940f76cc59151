// Proves docker-compose.yml without a container engine: every service's command runs as a local process
// with exactly the environment the file gives it (the `postgres`/`nats` host names mapped to a local
// PostgreSQL and nats-server, ports a container would own mapped to free local ports), each health check
// runs as written, and a checkout goes through the gateway. Where `docker info` works, the same file is
// also built and started for real. Uses the compiled dist/ (npm test builds first), as the image does.
/* eslint-disable @typescript-eslint/no-require-imports -- the compiled dist/ is loaded at run time, as the image runs it */
import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { Client } from 'pg';
import { findFreePorts, Infra, startInfra } from '@app/runtime';
import {
  activeServices,
  ComposeFile,
  containerPorts,
  dependsOn,
  healthCommand,
  imageTools,
  interpolate,
  loadCompose,
  readDockerfile,
  readEnvFile,
  ROOT,
  serviceEnvironment,
  startOrder,
} from './compose-model';

const DIST = path.join(ROOT, 'dist');
const OWN_IMAGE = 'kunshan-circulation:latest';
const INFRA = ['postgres', 'nats'];
/** variables naming a port the service listens on: a container owns these, local processes share one host */
const LISTEN_PORT_VARS = ['PORT', 'SIP2_PORT', 'SIP2_TLS_PORT', 'METRICS_PORT'];
const log = (m: string) => process.stdout.write(`[compose-proof] ${m}\n`);

/** what docker-compose would read from .env: the committed template, secrets replaced, default (single-node) shape */
function composeVars(): Record<string, string> {
  const template = readEnvFile(path.join(ROOT, '.env.example'));
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(template)) if (/PASSWORD|KEY|SECRET|TOKEN/.test(k)) vars[k] = v;
  vars.BOOTSTRAP_API_KEY = 'compose-proof-' + Math.random().toString(36).slice(2, 14);
  vars.POSTGRES_PASSWORD = 'compose-proof-pg';
  vars.STATS_PATRON_HASH_KEY = 'compose-proof-pseudonyms';
  // any other secret the file requires (${X:?...}) gets random data, as an operator's .env would
  const raw = fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
  for (const m of raw.matchAll(/\$\{([A-Z0-9_]+):\?/g))
    vars[m[1]] ??= 'compose-proof-' + m[1].toLowerCase() + '-' + Math.random().toString(36).slice(2);
  return vars;
}

/** the env DTO class of an app (apps/<app>/src/config/<app>-env.dto.ts, compiled) */
function envClassOf(app: string): new () => object {
  const dir = path.join(DIST, 'apps', app, 'src/config');
  const file = fs.readdirSync(dir).find((f) => f.endsWith('-env.dto.js'));
  if (!file) throw new Error(`no env DTO in ${dir}`);
  const mod = require(path.join(dir, file)) as Record<string, unknown>;
  const cls = Object.values(mod).find((v) => typeof v === 'function' && /EnvDto$/.test((v as { name: string }).name));
  return cls as new () => object;
}

/** variables the DTO declares without @IsOptional (the service refuses to boot without them) */
function requiredVars(cls: new () => object): string[] {
  const metas = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  const props = new Set(metas.map((m) => m.propertyName));
  const optional = new Set(metas.filter((m) => m.type === 'conditionalValidation').map((m) => m.propertyName));
  return [...props].filter((p) => !optional.has(p));
}

function appOf(command: string[] | string | undefined): string {
  const argv = typeof command === 'string' ? command.split(/\s+/) : (command ?? []);
  return argv[0];
}

/** one run of a health check (async: the services' log pipes keep draining while it runs) */
function runHealthCheck(
  test: ReturnType<typeof healthCommand>,
  env: NodeJS.ProcessEnv,
  rewrite: (s: string) => string,
): Promise<{ ok: boolean; out: string }> {
  if (test.kind === 'none') return Promise.resolve({ ok: true, out: '' });
  const [cmd, args] =
    test.kind === 'exec' ? [test.argv[0], test.argv.slice(1).map(rewrite)] : ['sh', ['-c', rewrite(test.line)]];
  return new Promise((resolve) => {
    let out = '';
    // generous next to compose's `timeout`: node's own start takes seconds on a busy 2-core machine
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    child.stdout!.on('data', (d: Buffer) => (out += String(d)));
    child.stderr!.on('data', (d: Buffer) => (out += String(d)));
    child.once('error', (err) => resolve({ ok: false, out: String(err) }));
    child.once('close', (code) => resolve({ ok: code === 0, out: out.trim().slice(0, 300) }));
  });
}

async function waitHealthy(
  name: string,
  check: () => Promise<{ ok: boolean; out: string }>,
  deadline: number,
): Promise<void> {
  let last = '';
  while (Date.now() < deadline) {
    const r = await check();
    if (r.ok) return;
    last = r.out;
    await new Promise((res) => setTimeout(res, 500));
  }
  throw new Error(`${name} never passed its health check: ${last}`);
}

describe('docker-compose.yml, proven without a container engine', () => {
  const vars = composeVars();
  const file: ComposeFile = loadCompose(vars);
  const names = activeServices(file);
  const apps = names.filter((n) => !INFRA.includes(n));
  const stages = readDockerfile();
  const finalStage = stages[stages.length - 1];

  it('has only well-formed services, and depends_on points at services that exist, without cycles', () => {
    expect(names).toEqual(
      expect.arrayContaining([
        'postgres',
        'nats',
        'catalog',
        'patrons',
        'loans',
        'delivery',
        'federation',
        'sip2',
        'gateway',
      ]),
    );
    const order = startOrder(file, names);
    log(`default profile start order: ${order.join(' → ')}`);
    for (const profile of [['production'], ['monitoring'], ['production', 'monitoring']]) {
      const withProfile = activeServices(file, profile);
      expect(() => startOrder(file, withProfile)).not.toThrow();
    }
    for (const n of Object.keys(file.services)) {
      for (const [dep, cond] of Object.entries(dependsOn(file.services[n]))) {
        // service_healthy needs a health check on the target, else the dependant never starts
        if (cond === 'service_healthy')
          expect({ n, dep, healthcheck: !!file.services[dep].healthcheck }).toEqual({ n, dep, healthcheck: true });
      }
    }
  });

  it('depends on every host its DATABASE_URL / NATS_URL names (at least one node of a NATS cluster)', () => {
    for (const n of apps) {
      const env = serviceEnvironment(file.services[n]);
      const deps = Object.keys(dependsOn(file.services[n]));
      if (env.DATABASE_URL)
        expect({ n, deps }).toEqual({ n, deps: expect.arrayContaining([new URL(env.DATABASE_URL).hostname]) });
      if (env.NATS_URL) {
        const hosts = env.NATS_URL.split(',').map((u) => new URL(u).hostname);
        expect({ n, natsHostInDeps: hosts.some((h) => deps.includes(h)) }).toEqual({ n, natsHostInDeps: true });
      }
    }
  });

  it('sets every variable each service requires, with values its env DTO accepts', () => {
    const { loadConfig } = require(
      path.join(DIST, 'libs/common/src/config/load-config.js'),
    ) as typeof import('../../libs/common/src/config/load-config');
    for (const n of apps) {
      const app = appOf(file.services[n].command);
      const cls = envClassOf(app);
      const env = { ...finalStage.env, ...serviceEnvironment(file.services[n]) };
      const missing = requiredVars(cls).filter((v) => !env[v]);
      expect({ service: n, missing }).toEqual({ service: n, missing: [] });
      expect(() => loadConfig(cls, env)).not.toThrow();
    }
    log(`required variables set for: ${apps.join(', ')}`);
  });

  it('publishes only ports its services listen on, and no host port twice', () => {
    const hostPorts: string[] = [];
    for (const n of Object.keys(file.services)) {
      const svc = file.services[n];
      const env = serviceEnvironment(svc);
      const listens = !svc.build ? undefined : LISTEN_PORT_VARS.filter((v) => env[v]).map((v) => Number(env[v]));
      if (listens)
        for (const p of containerPorts(svc))
          expect({ n, port: p, listens: listens.includes(p) }).toEqual({ n, port: p, listens: true });
      for (const p of svc.ports ?? []) {
        const parts = String(p).split(':');
        if (parts.length > 1) hostPorts.push(parts[parts.length - 2]);
      }
    }
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
  });

  it('runs every health check with a program its image has', () => {
    for (const n of Object.keys(file.services)) {
      const svc = file.services[n];
      if (!svc.healthcheck) continue;
      const image = svc.image ?? OWN_IMAGE;
      const tools = imageTools(image, interpolate('${CIRCULATION_IMAGE:-kunshan-circulation:latest}', vars));
      expect({ n, image, known: !!tools }).toEqual({ n, image, known: true });
      const test = healthCommand(svc.healthcheck);
      const program = test.kind === 'exec' ? test.argv[0] : test.kind === 'shell' ? 'sh' : undefined;
      if (program)
        expect({ n, image, program, inImage: tools!.includes(program) }).toEqual({ n, image, program, inImage: true });
    }
  });

  it('has Dockerfile stages that copy files which exist, and an entry point the build produces', () => {
    const stageNames = stages.map((s) => s.name).filter(Boolean);
    for (const stage of stages) {
      for (const c of stage.copies) {
        if (c.from) {
          expect(stageNames).toContain(c.from);
          continue;
        }
        for (const src of c.sources)
          expect({ src, exists: fs.existsSync(path.join(ROOT, src)) }).toEqual({ src, exists: true });
      }
    }
    // the final stage copies dist/ from the build stage; its entry point and the health check are in dist
    const entry = finalStage.entrypoint!;
    expect(entry[0]).toBe('node');
    expect(fs.existsSync(path.join(ROOT, entry[1]))).toBe(true);
    expect(fs.existsSync(path.join(DIST, 'apps/launcher/src/healthcheck.js'))).toBe(true);
    for (const n of apps)
      expect(fs.existsSync(path.join(DIST, 'apps', appOf(file.services[n].command), 'src/main.js'))).toBe(true);
    // the build context leaves host artefacts out (node_modules may be a symlink, .data a PostgreSQL cluster)
    const ignored = fs
      .readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', '.data', 'dist']));
  });

  it('has NATS configurations nats-server accepts', () => {
    const natsServer = ['/usr/sbin/nats-server', '/usr/bin/nats-server'].find((p) => fs.existsSync(p)) ?? 'nats-server';
    for (const conf of fs.readdirSync(path.join(ROOT, 'deploy/nats'))) {
      const res = spawnSync(natsServer, ['-c', path.join(ROOT, 'deploy/nats', conf), '-t'], {
        env: { ...process.env, NATS_SERVER_NAME: 'nats' },
        encoding: 'utf8',
      });
      expect({ conf, out: (res.stdout + res.stderr).trim(), status: res.status }).toEqual({
        conf,
        out: expect.stringContaining('valid'),
        status: 0,
      });
    }
  });

  describe('every service started as a local process', () => {
    let infra: Infra;
    let dataDir: string;
    let natsMonitorPort: number;
    const children: { name: string; child: ChildProcess }[] = [];
    const localEnv: Record<string, NodeJS.ProcessEnv> = {};
    let logFile: fs.WriteStream;

    beforeAll(async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-proof-'));
      logFile = fs.createWriteStream(path.join(dataDir, 'services.log'));
      const [pgPort, natsPort, monPort] = await findFreePorts(3);
      natsMonitorPort = monPort;
      infra = await startInfra({ rootDir: dataDir, pgPort, natsPort, natsMonitorPort: monPort, fast: true });
      // what the postgres image does with POSTGRES_USER/POSTGRES_PASSWORD/POSTGRES_DB
      const pgEnv = serviceEnvironment(file.services.postgres);
      const admin = new Client({ connectionString: infra.databaseUrl });
      await admin.connect();
      await admin.query(
        `create role "${pgEnv.POSTGRES_USER}" login superuser password '${pgEnv.POSTGRES_PASSWORD.replace(/'/g, "''")}'`,
      );
      await admin.end();
      const pgLocal = `127.0.0.1:${pgPort}`;
      const natsLocal = `127.0.0.1:${natsPort}`;
      const mapHosts = (v: string) =>
        v.replace(/@postgres:5432\//g, `@${pgLocal}/`).replace(/nats:\/\/nats:4222/g, `nats://${natsLocal}`);

      for (const n of apps) {
        const env: Record<string, string> = {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: os.tmpdir(),
          ...finalStage.env,
        };
        for (const [k, v] of Object.entries(serviceEnvironment(file.services[n]))) env[k] = mapHosts(v);
        const ports = await findFreePorts(LISTEN_PORT_VARS.length);
        LISTEN_PORT_VARS.forEach((v, i) => env[v] && (env[v] = String(ports[i])));
        if (env.SIP2_TLS_DIR) env.SIP2_TLS_DIR = path.join(dataDir, n + '-tls');
        localEnv[n] = env;
      }
    });

    const stopServices = () =>
      Promise.all(
        children.map(
          ({ child }) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
            }),
        ),
      );

    afterAll(async () => {
      await stopServices();
      await infra?.stop();
      logFile?.end();
      if (!process.env.E2E_KEEP && dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('starts each service in depends_on order once its dependencies pass their health checks as written', async () => {
      const deadline = Date.now() + 400_000;
      const healthy = new Set<string>();
      // the infrastructure's own checks, against the local servers (the container's 127.0.0.1 is the server)
      const pgCheck = healthCommand(file.services.postgres.healthcheck!);
      const pgUrl = new URL(infra.databaseUrl);
      await waitHealthy(
        'postgres',
        () => runHealthCheck(pgCheck, { ...process.env, PGHOST: '127.0.0.1', PGPORT: pgUrl.port }, (s) => s),
        deadline,
      );
      healthy.add('postgres');
      const natsCheck = healthCommand(file.services.nats.healthcheck!);
      await waitHealthy(
        'nats',
        () =>
          runHealthCheck(natsCheck, process.env, (s) => s.replace('127.0.0.1:8222', `127.0.0.1:${natsMonitorPort}`)),
        deadline,
      );
      healthy.add('nats');
      log('postgres and nats pass their compose health checks (pg_isready, wget /healthz)');

      const order = startOrder(file, names).filter((n) => !INFRA.includes(n));
      const entry = finalStage.entrypoint!;
      const pending = new Map<string, Promise<void>>();
      const startOne = async (n: string): Promise<void> => {
        const deps = dependsOn(file.services[n]);
        await Promise.all(
          Object.keys(deps).map((d) => (INFRA.includes(d) ? Promise.resolve() : (pending.get(d) ?? Promise.resolve()))),
        );
        for (const [d, cond] of Object.entries(deps)) if (cond === 'service_healthy') expect(healthy.has(d)).toBe(true);
        const argv = [...entry, ...(file.services[n].command as string[])];
        const child = spawn(argv[0], argv.slice(1), { cwd: ROOT, env: localEnv[n], stdio: ['ignore', 'pipe', 'pipe'] });
        child.stdout!.on('data', (d: Buffer) => logFile.write(`[${n}] ${d}`));
        child.stderr!.on('data', (d: Buffer) => logFile.write(`[${n}] ${d}`));
        children.push({ name: n, child });
        const check = healthCommand(file.services[n].healthcheck!);
        await waitHealthy(
          n,
          () => {
            if (child.exitCode !== null)
              return Promise.resolve({
                ok: false,
                out: `exited with ${child.exitCode} (log: ${path.join(dataDir, 'services.log')})`,
              });
            return runHealthCheck(check, localEnv[n], (s) => s);
          },
          deadline,
        );
        healthy.add(n);
        log(`${n}: started (${argv.slice(2).join(' ')}) and healthy by its own check`);
      };
      for (const n of order) pending.set(n, startOne(n));
      await Promise.all(pending.values());
      expect([...healthy].sort()).toEqual([...names].sort());
    });

    it('listens on every port it publishes', async () => {
      const net = await import('node:net');
      for (const n of apps) {
        for (const cport of containerPorts(file.services[n])) {
          const v = LISTEN_PORT_VARS.find((k) => serviceEnvironment(file.services[n])[k] === String(cport))!;
          const local = Number(localEnv[n][v]);
          await new Promise<void>((resolve, reject) => {
            const s = net.connect(local, '127.0.0.1', () => (s.destroy(), resolve()));
            s.once('error', reject);
          });
          log(`${n}: container port ${cport} (${v}) answers`);
        }
      }
    });

    it('takes a checkout through the gateway with the bootstrap key from the env file', async () => {
      require('reflect-metadata');
      const { DemoSeeder } = require(
        path.join(DIST, 'libs/suite/src/demo-seeder.js'),
      ) as typeof import('../../libs/suite/src/demo-seeder');
      const { createStandaloneRpcClient } = require(
        path.join(DIST, 'libs/common/src/index.js'),
      ) as typeof import('../../libs/common/src');
      const { client, close } = createStandaloneRpcClient(localEnv.gateway.NATS_URL!, 'compose-proof', 10_000);
      try {
        await new DemoSeeder(client, () => undefined).seed();
      } finally {
        await close();
      }
      const gw = `http://127.0.0.1:${localEnv.gateway.PORT}`;
      const KSL = 'CN-320583-1-KSL';
      const res = await fetch(`${gw}/api/circulation/checkout`, {
        method: 'POST',
        headers: { authorization: `Bearer ${vars.BOOTSTRAP_API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          patron: { agency: KSL, barcode: 'P0000001' },
          item: { agency: KSL, barcode: 'B0000001' },
          branch: 'KSL-MAIN',
        }),
      });
      const body = (await res.json()) as { loan?: { dueDate: string } };
      expect(res.status).toBe(201);
      expect(body.loan?.dueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      log(`checkout through the gateway: HTTP ${res.status}, due ${body.loan?.dueDate}`);
    });

    it('passes the restore drill: the database backed up, restored into a fresh one, serves a checkout', async () => {
      // the compose services are done; the drill starts its own suite on the restored copy
      await stopServices();
      const out: string[] = [];
      const code = await new Promise<number | null>((resolve, reject) => {
        const child = spawn('bash', [path.join(ROOT, 'scripts/restore-drill.sh')], {
          cwd: ROOT,
          env: {
            ...process.env,
            SOURCE_DATABASE_URL: infra.databaseUrl,
            DRILL_EXPECT_ON_LOAN: 'B0000001',
            DRILL_ITEM: 'B0000002',
            DRILL_TIMEOUT_SECONDS: '420',
            TMPDIR: dataDir,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        child.stdout!.on('data', (d: Buffer) => out.push(String(d)));
        child.stderr!.on('data', (d: Buffer) => out.push(String(d)));
        child.once('error', reject);
        child.once('exit', resolve);
      });
      for (const line of out.join('').trimEnd().split('\n')) process.stdout.write(`${line}\n`);
      expect(code).toBe(0);
      expect(out.join('')).toContain('restore drill: PASSED');
    });
  });

  it('builds and starts the stack for real where a container engine works (skipped otherwise)', () => {
    const info = spawnSync('docker', ['info'], { encoding: 'utf8', timeout: 20_000 });
    if (info.status !== 0) {
      log(
        'container engine: `docker info` failed here, so the image build and `docker-compose up` were skipped (the local-process proof above stands in)',
      );
      return;
    }
    const envFile = path.join(os.tmpdir(), `compose-proof-${process.pid}.env`);
    fs.writeFileSync(
      envFile,
      Object.entries(vars)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n') + '\n',
    );
    const compose = (args: string[], timeout = 900_000) =>
      spawnSync('docker-compose', ['--env-file', envFile, '-p', `proof${process.pid}`, ...args], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout,
      });
    try {
      const build = compose(['build']);
      expect(build.status).toBe(0);
      const up = compose(['up', '-d']);
      expect(up.status).toBe(0);
      const deadline = Date.now() + 180_000;
      let healthy = false;
      while (!healthy && Date.now() < deadline) {
        const ps = compose(['ps'], 30_000).stdout;
        healthy = apps.every((n) => new RegExp(`${n}.*\\(healthy\\)`).test(ps));
        if (!healthy) spawnSync('sleep', ['2']);
      }
      expect(healthy).toBe(true);
      log('container engine: image built and every service healthy under docker-compose');
    } finally {
      compose(['down', '-v'], 300_000);
      fs.rmSync(envFile, { force: true });
    }
  });
});
