import { testDatabaseUrl, testNatsUrl } from '@app/testing';
import { connect, NatsConnection } from 'nats';
import { randomBytes } from 'node:crypto';
import { SuiteChecks } from './suite-checks';

/**
 * The chaos suite's "NATS store full" fault on a real nats-server, with events being published while
 * it is set: it must refuse new events and never remove stored ones (nats-server drops the oldest
 * messages when a stream is limited below its size, which once cost a chaos run its first events).
 */
describe('SuiteChecks.fillStream (real NATS)', () => {
  let nc: NatsConnection;
  let checks: SuiteChecks;
  const tag = `chaosfill${randomBytes(4).toString('hex')}`;
  const stream = tag.toUpperCase();
  const payload = new TextEncoder().encode('x'.repeat(400));

  beforeAll(async () => {
    nc = await connect({ servers: testNatsUrl() });
    checks = await SuiteChecks.open(testDatabaseUrl(), testNatsUrl());
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({ name: stream, subjects: [`${tag}.>`], duplicate_window: 60 * 1_000_000_000 });
  });

  afterAll(async () => {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(stream).catch(() => undefined);
    await checks.close();
    await nc.close();
  });

  it('refuses new events while set, keeps every stored one, and accepts again after the undo', async () => {
    const js = nc.jetstream();
    for (let i = 0; i < 50; i++) await js.publish(`${tag}.seed`, payload, { msgID: `seed-${i}` });

    // a relay keeps publishing while the fault is set, as the services' relays do in a chaos run
    let publishing = true;
    let accepted = 0;
    let refused = 0;
    let n = 0;
    const publisher = (async () => {
      while (publishing) {
        const batch = Array.from({ length: 20 }, () => js.publish(`${tag}.load`, payload, { msgID: `load-${n++}` }));
        for (const r of await Promise.allSettled(batch)) {
          if (r.status === 'fulfilled') accepted++;
          else refused++;
        }
      }
    })();
    // let some publishes in flight before the fault is set
    while (accepted < 100) await new Promise((r) => setImmediate(r));
    const undo = await checks.fillStream(1024, stream);
    const refusedBefore = refused;
    // the store is full: publishing goes on until refusals come
    while (refused === refusedBefore) await new Promise((r) => setImmediate(r));
    publishing = false;
    await publisher;

    const jsm = await nc.jetstreamManager();
    const full = await jsm.streams.info(stream);
    expect(full.state.first_seq).toBe(1);
    expect(full.state.messages).toBe(50 + accepted);
    expect(full.state.bytes).toBeLessThanOrEqual(full.config.max_bytes);
    await expect(js.publish(`${tag}.load`, payload, { msgID: 'while-full' })).rejects.toThrow();

    await undo();
    const ack = await js.publish(`${tag}.load`, payload, { msgID: 'after-undo' });
    expect(ack.duplicate).toBe(false);
    const after = await jsm.streams.info(stream);
    expect(after.config.max_bytes).toBe(-1);
    expect(after.config.max_msg_size).toBe(-1);
    expect(after.state.first_seq).toBe(1);
    expect(after.state.messages).toBe(50 + accepted + 1);
    for (const seq of [1, 50])
      expect((await jsm.streams.getMessage(stream, { seq })).header.get('Nats-Msg-Id')).toBe(`seed-${seq - 1}`);
  });
});
