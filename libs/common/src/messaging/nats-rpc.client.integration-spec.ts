import { CORRELATION_HEADER, ErrorCode } from '@app/contracts';
import { startTestNats, TestNats } from '@app/testing';
import { connect, JSONCodec, NatsConnection } from 'nats';
import { requestContext } from '../logging/request-context';
import { createStandaloneRpcClient, NatsRpcClient } from './nats-rpc.client';
import { coalesceNatsWrites } from './nats-write-coalescing';

const codec = JSONCodec<{ pattern: string; data: { n: number }; id: string }>();
const reply = JSONCodec<unknown>();

describe('NatsRpcClient on a real nats-server', () => {
  let nats: TestNats;
  let responder: NatsConnection;
  let rpc: { client: NatsRpcClient; close: () => Promise<void> };
  const seenCorrelation: string[] = [];

  beforeAll(async () => {
    nats = await startTestNats();
    responder = await connect({ servers: nats.url });
    // a responder speaking Nest's wire format: doubles n, answers typed errors for negative n
    responder.subscribe('test.double.v1', {
      queue: 'test',
      callback: (_e, m) => {
        const req = codec.decode(m.data);
        seenCorrelation.push(m.headers?.get(CORRELATION_HEADER) ?? '');
        const body =
          req.data.n < 0
            ? { id: req.id, err: { code: ErrorCode.ValidationFailed, message: 'n must be positive' } }
            : { id: req.id, response: { n: req.data.n * 2 } };
        // answer out of order so replies must be matched by their reply subject
        setTimeout(() => m.respond(reply.encode(body)), req.data.n % 3);
      },
    });
    responder.subscribe('test.silent.v1', { callback: () => undefined });
    await responder.flush();
    rpc = createStandaloneRpcClient(nats.url, 'rpc-spec', 2000);
  });

  afterAll(async () => {
    await rpc?.close();
    await responder?.close();
    await nats?.stop();
  });

  it('matches many concurrent replies to their requests', async () => {
    const ns = Array.from({ length: 300 }, (_, i) => i + 1);
    const results = await Promise.all(ns.map((n) => rpc.client.request<{ n: number }>('test.double.v1', { n })));
    expect(results.map((r) => r.n)).toEqual(ns.map((n) => n * 2));
  });

  it('sends the current correlation id', async () => {
    await requestContext.run({ correlationId: 'corr-rpc-spec' }, () => rpc.client.request('test.double.v1', { n: 1 }));
    expect(seenCorrelation).toContain('corr-rpc-spec');
  });

  it('turns a typed remote error into a RemoteError with its code', async () => {
    await expect(rpc.client.request('test.double.v1', { n: -1 })).rejects.toMatchObject({
      code: ErrorCode.ValidationFailed,
      message: 'n must be positive',
    });
  });

  it('reports no responders as ServiceUnavailable at once', async () => {
    await expect(rpc.client.request('test.nobody.v1', {}, { timeoutMs: 30_000 })).rejects.toMatchObject({
      code: ErrorCode.ServiceUnavailable,
    });
  });

  it('times out a request nobody answers, and still works afterwards', async () => {
    await expect(rpc.client.request('test.silent.v1', {}, { timeoutMs: 200 })).rejects.toMatchObject({
      code: ErrorCode.Timeout,
    });
    await expect(rpc.client.request<{ n: number }>('test.double.v1', { n: 21 })).resolves.toEqual({ n: 42 });
  });
});

describe('coalesced NATS writes on a real nats-server', () => {
  it('applies to the installed nats.js, and replies sent from separate callbacks all arrive', async () => {
    const nats = await startTestNats();
    const server = await connect({ servers: nats.url });
    const client = await connect({ servers: nats.url });
    try {
      // fails when a nats.js upgrade changes its internals: the optimisation must not vanish silently
      expect(coalesceNatsWrites(server)).toBe(true);
      expect(coalesceNatsWrites(client)).toBe(true);
      server.subscribe('test.echo.v1', {
        callback: (_e, m) => setTimeout(() => m.respond(m.data), Number(m.data[0]) % 4),
      });
      await server.flush();
      const sent = Array.from({ length: 200 }, (_, i) => Uint8Array.of(i));
      const got = await Promise.all(sent.map((d) => client.request('test.echo.v1', d, { timeout: 5000 })));
      expect(got.map((m) => m.data[0])).toEqual(sent.map((d) => d[0]));
    } finally {
      await client.close();
      await server.close();
      await nats.stop();
    }
  });
});
