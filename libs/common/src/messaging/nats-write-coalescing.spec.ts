import type { NatsConnection } from 'nats';
import { coalesceNatsWrites } from './nats-write-coalescing';

/** A stand-in for nats.js's ProtocolHandler: records what each flush would have written. */
function fakeConnection(pendingLimit = 1024) {
  const buffered: Uint8Array[] = [];
  const writes: string[] = [];
  const protocol = {
    pendingLimit,
    outbound: {
      fill: (buf: Uint8Array, ...payloads: Uint8Array[]) => buffered.push(buf, ...payloads),
      size: () => buffered.reduce((n, b) => n + b.length, 0),
    },
    flushPending: () => {
      if (buffered.length) writes.push(Buffer.concat(buffered.splice(0)).toString());
    },
    sendCommand: () => {
      throw new Error('the original sendCommand should have been replaced');
    },
  };
  return { nc: { protocol } as unknown as NatsConnection, writes };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('coalesceNatsWrites', () => {
  it('writes what separate callbacks of one event-loop turn send in one write', async () => {
    const { nc, writes } = fakeConnection();
    expect(coalesceNatsWrites(nc)).toBe(true);
    const protocol = (nc as unknown as { protocol: { sendCommand(c: string | Uint8Array, ...p: Uint8Array[]): void } })
      .protocol;
    // two callbacks of one event-loop phase, as two socket reads run in one poll phase: two immediates
    // queued together run before the flush the first one schedules (two 0 ms timers need not expire in
    // the same timers phase on a busy machine)
    await new Promise<void>((resolve) => {
      setImmediate(() => protocol.sendCommand('PUB a 1\r\n', Buffer.from('x'), Buffer.from('\r\n')));
      setImmediate(() => {
        protocol.sendCommand(Buffer.from('PUB b 1\r\ny\r\n'));
        expect(writes).toEqual([]); // nothing written yet: the turn is not over
        resolve();
      });
    });
    await nextTurn();
    expect(writes).toEqual(['PUB a 1\r\nx\r\nPUB b 1\r\ny\r\n']);
    protocol.sendCommand('PING\r\n');
    await nextTurn();
    expect(writes).toEqual(['PUB a 1\r\nx\r\nPUB b 1\r\ny\r\n', 'PING\r\n']);
  });

  it('writes at once when the buffer passes the flush threshold', async () => {
    const { nc, writes } = fakeConnection(8);
    coalesceNatsWrites(nc);
    const protocol = (nc as unknown as { protocol: { sendCommand(c: string): void } }).protocol;
    protocol.sendCommand('PUB a 0\r\n\r\n');
    expect(writes).toEqual(['PUB a 0\r\n\r\n']);
    protocol.sendCommand('PING\r\n');
    expect(writes).toHaveLength(1);
    await nextTurn();
    expect(writes).toEqual(['PUB a 0\r\n\r\n', 'PING\r\n']);
  });

  it('leaves a connection that does not look like nats.js 2.x alone', () => {
    const nc = { protocol: { sendCommand: () => undefined } } as unknown as NatsConnection;
    const before = (nc as unknown as { protocol: { sendCommand: unknown } }).protocol.sendCommand;
    expect(coalesceNatsWrites(nc)).toBe(false);
    expect((nc as unknown as { protocol: { sendCommand: unknown } }).protocol.sendCommand).toBe(before);
    expect(coalesceNatsWrites({} as NatsConnection)).toBe(false);
  });
});
