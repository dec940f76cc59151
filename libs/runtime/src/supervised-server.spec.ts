import { superviseServer, WatchableServer } from './supervised-server';

/** A stand-in server: exits when told to (crash) or when stopped. */
class FakeServer implements WatchableServer {
  private exit!: () => void;
  readonly exited = new Promise<void>((r) => (this.exit = r));
  stopped = false;
  constructor(readonly pid: number) {}
  crash(): void {
    this.exit();
  }
  async stop(): Promise<void> {
    this.stopped = true;
    this.exit();
  }
}

describe('superviseServer', () => {
  it('starts a crashed server again, logs the exit and the return, and not after stop()', async () => {
    const started: FakeServer[] = [];
    const lines: string[] = [];
    let failNext = 1; // the first restart attempt fails, as a postmaster does while old backends linger
    const sup = await superviseServer(
      'nats',
      async () => {
        if (started.length === 1 && failNext-- > 0) throw new Error('address in use\nmore detail');
        const s = new FakeServer(100 + started.length);
        started.push(s);
        return s;
      },
      { log: (l) => lines.push(l), initialBackoffMs: 1, maxBackoffMs: 4 },
    );
    expect(sup.status()).toMatchObject({ state: 'up', pid: 100, restarts: 0 });

    started[0].crash();
    // the crash is seen on the next turn; then whenUp() waits for the restart
    for (let i = 0; i < 200 && sup.status().state === 'up'; i++) await new Promise((r) => setTimeout(r, 1));
    expect((await sup.whenUp()).pid).toBe(101);
    expect(sup.status()).toMatchObject({ state: 'up', pid: 101, restarts: 1 });
    expect(lines[0]).toBe('nats (pid 100) exited unexpectedly; restarting it in 1 ms');
    expect(lines[1]).toBe('nats restart attempt 1 failed (address in use); next attempt in 2 ms');
    expect(lines[2]).toMatch(/^nats is up again \(pid 101\) after \d+ ms, restart #1$/);

    await sup.stop();
    expect(started[1].stopped).toBe(true);
    expect(sup.status().state).toBe('stopped');
    await new Promise((r) => setTimeout(r, 20));
    expect(started).toHaveLength(2); // a stop is not a crash: nothing was started again
  });
});
