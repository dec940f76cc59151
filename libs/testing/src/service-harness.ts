import 'reflect-metadata';
import { DynamicModule, INestMicroservice } from '@nestjs/common';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { connect, JSONCodec, NatsConnection } from 'nats';
import { createNatsMicroservice, loadConfig } from '@app/common';
import { Ping, type ReplyOf, type RequestOf, type RpcContract, type ServiceName } from '@app/contracts';
import { findFreePort, startEmbeddedNats } from '@app/runtime';
import { testDatabaseUrl, testNatsUrl } from './test-env';

/**
 * Integration specs share one PostgreSQL (started in globalSetup) but each file gets its own database
 * and its own nats-server: services subscribe in queue groups, and two spec files running in parallel
 * must never answer each other's requests or consume each other's JetStream events.
 */
export async function createTestDatabase(prefix = 't'): Promise<string> {
  const name = `${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: testDatabaseUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

export interface TestNats {
  url: string;
  stop(): Promise<void>;
}

/** A private nats-server (JetStream on) for one spec file. Falls back to the shared one if asked. */
export async function startTestNats(): Promise<TestNats> {
  if (process.env.TEST_SHARED_NATS === '1') return { url: testNatsUrl(), stop: async () => undefined };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'circ-nats-'));
  const nats = await startEmbeddedNats({ dataDir: dir, port: await findFreePort() });
  return {
    url: nats.url,
    stop: async () => {
      await nats.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestEnvironment {
  databaseUrl: string;
  natsUrl: string;
  /** env variables for a service under test */
  env(extra?: Record<string, string>): Record<string, string>;
  stop(): Promise<void>;
}

/** One database + one nats-server for a spec file. */
export async function createTestEnvironment(prefix: string): Promise<TestEnvironment> {
  const [databaseUrl, nats] = await Promise.all([createTestDatabase(prefix), startTestNats()]);
  return {
    databaseUrl,
    natsUrl: nats.url,
    env: (extra = {}) => ({ DATABASE_URL: databaseUrl, NATS_URL: nats.url, LOG_LEVEL: 'warn', ...extra }),
    stop: () => nats.stop(),
  };
}

/** Boot a service's Nest microservice in-process, exactly as its main.ts does, and start listening. */
export async function startTestService<E extends object>(opts: {
  name: ServiceName;
  envClass: new () => E;
  env: Record<string, string>;
  register: (env: E) => DynamicModule;
}): Promise<INestMicroservice> {
  const env = loadConfig(opts.envClass, opts.env);
  const app = await createNatsMicroservice(opts.register(env), { name: opts.name, env: env as never });
  await app.listen();
  // listen() resolves once the subscriptions are sent, not once nats-server has registered them: a
  // request from another connection can still find "no responders" on a busy machine. Wait until the
  // service answers its ping from a separate connection, as a caller would see it.
  await waitUntilAnswering((env as { NATS_URL?: string }).NATS_URL ?? opts.env.NATS_URL, opts.name);
  return app;
}

/** Poll `<service>.ping.v1` from a fresh connection until it answers (bounded; never a fixed sleep). */
export async function waitUntilAnswering(
  natsUrl: string,
  service: ServiceName | 'gateway',
  timeoutMs = 30_000,
): Promise<void> {
  const nc = await connect({ servers: natsUrl });
  const ping = Ping(service).subject;
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        await nc.request(ping, JSONCodec().encode({ pattern: ping, data: {}, id: 'ready' }), { timeout: 2000 });
        return;
      } catch (err) {
        if (Date.now() > deadline)
          throw new Error(`${service} did not answer ${ping} within ${timeoutMs} ms: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    }
  } finally {
    await nc.close();
  }
}

export interface RpcTestClient {
  nc: NatsConnection;
  /** send a request in Nest's wire format; resolves with `response` or rejects with the typed `err` */
  request<T = unknown>(subject: string, data: unknown, timeoutMs?: number): Promise<T>;
  /** the same, typed by a contract: `call(PatronsGet, { agency, barcode })` → `Promise<PatronView>` */
  call<C extends RpcContract>(contract: C, data: RequestOf<C>, timeoutMs?: number): Promise<ReplyOf<C>>;
  close(): Promise<void>;
}

/** default timeout of a spec's own requests (not the services': theirs stay NATS_REQUEST_TIMEOUT_MS) */
export const TEST_REQUEST_TIMEOUT_MS = 30_000;

const codec = JSONCodec<{ response?: unknown; err?: unknown }>();

/** A bare NATS client for specs: what any caller of a service sees on the wire. */
export async function createRpcTestClient(natsUrl: string): Promise<RpcTestClient> {
  const nc = await connect({ servers: natsUrl });
  // generous: a spec's setup (20 patrons, each a 16 MiB scrypt hash) on a loaded 2-core machine can take
  // seconds; a spec that wants a short timeout passes its own
  const request = async <T>(subject: string, data: unknown, timeoutMs = TEST_REQUEST_TIMEOUT_MS): Promise<T> => {
    const reply = await nc.request(
      subject,
      JSONCodec().encode({ pattern: subject, data, id: randomBytes(8).toString('hex') }),
      {
        timeout: timeoutMs,
      },
    );
    const packet = codec.decode(reply.data);
    if (packet.err !== undefined && packet.err !== null)
      throw Object.assign(new Error(JSON.stringify(packet.err)), { payload: packet.err });
    return packet.response as T;
  };
  return {
    nc,
    request,
    call: (contract, data, timeoutMs) => request(contract.subject, data, timeoutMs),
    close: () => nc.close(),
  };
}

/** Poll until `check` returns a truthy value (event-driven state is eventually consistent). */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`);
}
