// docker-compose.yml and the Dockerfile read as data (the `yaml` package, never regexes over YAML), for
// the deployment proof: interpolation, the merged environment of each service, its health check and
// what the images it names can run.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

export const ROOT = path.resolve(__dirname, '../..');

export interface HealthCheck {
  test: string[] | string;
  interval?: string;
  timeout?: string;
  retries?: number;
}

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  env_file?: string | string[];
  ports?: (string | number)[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: HealthCheck;
  profiles?: string[];
  volumes?: (string | Record<string, unknown>)[];
  deploy?: { replicas?: number | string };
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/**
 * Compose variable interpolation (compose spec "Interpolation"): `${VAR}`, `${VAR:-default}`,
 * `${VAR-default}`, `${VAR:?error}`, `$VAR` and `$$` for a literal `$`. Applied to every string value.
 */
export function interpolate(value: string, vars: Record<string, string | undefined>): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])((?:[^{}]|\{[^{}]*\})*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (m, name, colon, op, arg, bare) => {
      if (m === '$$') return '$';
      if (bare) return vars[bare] ?? '';
      const v = vars[name];
      const unset = colon ? v === undefined || v === '' : v === undefined;
      if (!op) return v ?? '';
      if (op === '-') return unset ? interpolate(arg ?? '', vars) : v!;
      if (unset) throw new Error(`required variable ${name} is not set: ${arg}`);
      return v!;
    },
  );
}

function deepInterpolate<T>(node: T, vars: Record<string, string | undefined>): T {
  if (typeof node === 'string') return interpolate(node, vars) as T;
  if (Array.isArray(node)) return node.map((n) => deepInterpolate(n, vars)) as T;
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, deepInterpolate(v, vars)])) as T;
  }
  return node;
}

/** The compose file with YAML anchors/merge keys resolved and variables interpolated from `vars`. */
export function loadCompose(
  vars: Record<string, string | undefined>,
  file = path.join(ROOT, 'docker-compose.yml'),
): ComposeFile {
  const raw = parse(fs.readFileSync(file, 'utf8'), { merge: true, maxAliasCount: 1000 }) as ComposeFile &
    Record<string, unknown>;
  for (const key of Object.keys(raw)) if (key.startsWith('x-')) delete raw[key];
  return deepInterpolate(raw, vars);
}

/** A `KEY=value` env file (compose's `.env` format: comments, blank lines, optional quotes). */
export function readEnvFile(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m || line.trim().startsWith('#')) continue;
    out[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return out;
}

export function serviceEnvironment(svc: ComposeService): Record<string, string> {
  const env: Record<string, string> = {};
  if (Array.isArray(svc.environment)) {
    for (const kv of svc.environment) {
      const i = kv.indexOf('=');
      if (i > 0) env[kv.slice(0, i)] = kv.slice(i + 1);
    }
  } else {
    for (const [k, v] of Object.entries(svc.environment ?? {})) if (v !== null && v !== undefined) env[k] = String(v);
  }
  return env;
}

export function dependsOn(svc: ComposeService): Record<string, string> {
  if (!svc.depends_on) return {};
  if (Array.isArray(svc.depends_on)) return Object.fromEntries(svc.depends_on.map((d) => [d, 'service_started']));
  return Object.fromEntries(Object.entries(svc.depends_on).map(([k, v]) => [k, v?.condition ?? 'service_started']));
}

/** Services that start with the given profiles active (no profile: always). */
export function activeServices(file: ComposeFile, profiles: string[] = []): string[] {
  return Object.entries(file.services)
    .filter(([, s]) => !s.profiles || s.profiles.some((p) => profiles.includes(p)))
    .map(([name]) => name);
}

/** Dependency order (dependencies first); throws on a cycle or a missing target. */
export function startOrder(file: ComposeFile, names: string[]): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (n: string, from?: string) => {
    if (!names.includes(n))
      throw new Error(`${from ?? '?'} depends on "${n}", which is not a service started with these profiles`);
    if (state.get(n) === 'done') return;
    if (state.get(n) === 'visiting') throw new Error(`depends_on cycle through ${n}`);
    state.set(n, 'visiting');
    for (const d of Object.keys(dependsOn(file.services[n]))) visit(d, n);
    state.set(n, 'done');
    order.push(n);
  };
  for (const n of names) visit(n);
  return order;
}

/** container port of each `ports` entry ("host:container", "ip:host:container", "a-b:c", "c/tcp") */
export function containerPorts(svc: ComposeService): number[] {
  return (svc.ports ?? []).map((p) => {
    const parts = String(p).split('/')[0].split(':');
    return Number(parts[parts.length - 1]);
  });
}

/** The health check as an argv for exec (CMD) or a shell line (CMD-SHELL). */
export function healthCommand(
  h: HealthCheck,
): { kind: 'exec'; argv: string[] } | { kind: 'shell'; line: string } | { kind: 'none' } {
  const t = h.test;
  if (typeof t === 'string') return { kind: 'shell', line: t };
  if (t[0] === 'NONE') return { kind: 'none' };
  if (t[0] === 'CMD') return { kind: 'exec', argv: t.slice(1) };
  if (t[0] === 'CMD-SHELL') return { kind: 'shell', line: t.slice(1).join(' ') };
  throw new Error(`health check test must start with CMD, CMD-SHELL or NONE: ${JSON.stringify(t)}`);
}

// What the third-party images named in the compose file can execute, from their published
// Dockerfiles: the plain `nats` tags are FROM scratch (the nats-server binary and nothing else),
// their `-alpine` variants carry busybox (sh, wget); postgres, prometheus (busybox) and grafana
// (alpine) images have a shell. Our own image is node:20-bookworm-slim (sh, node; no wget/curl).
const IMAGE_TOOLS: { match: RegExp; tools: string[] }[] = [
  { match: /^nats:[^-]*-alpine/, tools: ['nats-server', 'sh', 'wget'] },
  { match: /^nats(:|$)/, tools: ['nats-server'] },
  { match: /^postgres:/, tools: ['sh', 'pg_isready', 'pg_dump', 'pg_restore', 'psql'] },
  { match: /^prom\/prometheus:/, tools: ['sh', 'wget', 'prometheus', 'promtool'] },
  { match: /^grafana\/grafana/, tools: ['sh', 'wget'] },
];

export function imageTools(image: string, ownImage: string): string[] | undefined {
  if (image === ownImage) return ['sh', 'node'];
  return IMAGE_TOOLS.find((t) => t.match.test(image))?.tools;
}

export interface DockerStage {
  name?: string;
  from: string;
  copies: { from?: string; sources: string[]; dest: string }[];
  workdir?: string;
  entrypoint?: string[];
  env: Record<string, string>;
}

/** Dockerfile stages (FROM/COPY/WORKDIR/ENV/ENTRYPOINT; line continuations joined; exec-form JSON). */
export function readDockerfile(file = path.join(ROOT, 'Dockerfile')): DockerStage[] {
  const lines = fs
    .readFileSync(file, 'utf8')
    .replace(/\\\r?\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: DockerStage[] = [];
  for (const line of lines) {
    const [instr, ...rest] = line.split(/\s+/);
    const args = line.slice(instr.length).trim();
    const stage = stages[stages.length - 1];
    switch (instr.toUpperCase()) {
      case 'FROM': {
        const m = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(args)!;
        stages.push({ from: m[1], name: m[2], copies: [], env: {} });
        break;
      }
      case 'COPY': {
        const words = rest.filter((w) => !w.startsWith('--') || w.startsWith('--from='));
        const from = words.find((w) => w.startsWith('--from='))?.slice(7);
        const paths = words.filter((w) => !w.startsWith('--from='));
        stage.copies.push({ from, sources: paths.slice(0, -1), dest: paths[paths.length - 1] });
        break;
      }
      case 'WORKDIR':
        stage.workdir = args;
        break;
      case 'ENTRYPOINT':
        stage.entrypoint = JSON.parse(args) as string[];
        break;
      case 'ENV':
        for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)/g))
          stage.env[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
        break;
    }
  }
  return stages;
}
