import { sleep } from './load-drivers';

/** What a fault may do to the running suite. */
export interface FaultContext {
  /** SIGKILL / SIGSTOP / SIGCONT one of our suite's processes (`loans`, `loans-2`, `nats`, `postgres`) */
  signal(target: string, signal: NodeJS.Signals): number;
  /** drop the connection of every kiosk in the middle of its next checkout */
  dropKioskConnections(): void;
  /** limit the event stream to what it holds (+ headroom), refusing new events; returns the undo */
  fillEventStore(headroomBytes: number): Promise<() => Promise<void>>;
  log(m: string): void;
}

export interface Fault {
  name: string;
  /** injects the fault and returns once it is over (a kill is over at once; a pause when resumed) */
  inject(ctx: FaultContext): Promise<void>;
}

export const killFault = (target: string): Fault => ({
  name: `kill -9 ${target}`,
  async inject(ctx) {
    const pid = ctx.signal(target, 'SIGKILL');
    ctx.log(`SIGKILL ${target} (pid ${pid})`);
  },
});

/** A hung process: stopped for `ms`, then resumed (requests queue up meanwhile, callers time out). */
export const pauseFault = (target: string, ms: number): Fault => ({
  name: `pause ${target} ${Math.round(ms / 1000)} s`,
  async inject(ctx) {
    const pid = ctx.signal(target, 'SIGSTOP');
    ctx.log(`SIGSTOP ${target} (pid ${pid}) for ${ms} ms`);
    try {
      await sleep(ms);
    } finally {
      ctx.signal(target, 'SIGCONT');
      ctx.log(`SIGCONT ${target}`);
    }
  },
});

export const dropConnectionsFault: Fault = {
  name: 'drop kiosk sockets mid-checkout',
  async inject(ctx) {
    ctx.dropKioskConnections();
    ctx.log('every kiosk drops its connection during its next checkout');
  },
};

/** The NATS store "full" for `ms`: new events are refused, the outboxes hold them, then the limit is lifted. */
export const fullStoreFault = (ms: number): Fault => ({
  name: `NATS store full ${Math.round(ms / 1000)} s`,
  async inject(ctx) {
    const undo = await ctx.fillEventStore(1024);
    ctx.log(`event stream limited to its current size + 1 KiB (discard new) for ${ms} ms`);
    try {
      await sleep(ms);
    } finally {
      await undo();
      ctx.log('event stream limit lifted');
    }
  },
});

export type Shape = 'embedded' | 'cluster';

const SERVICES = ['loans', 'sip2', 'patrons', 'catalog', 'gateway', 'delivery', 'federation'];

/**
 * The faults of a run. Embedded default: each service, nats-server and PostgreSQL killed in turn, a
 * hung loans service, dropped kiosk connections, a full NATS store. Cluster shape: one NATS node and
 * one replica of each service killed mid-load (the other replica and nodes carry on), then the same
 * pause, drop and full store. The short variant (npm test) keeps the ones most likely to lose work.
 */
export function faultsFor(shape: Shape, full: boolean): Fault[] {
  const common = [
    pauseFault(shape === 'cluster' ? 'loans-2' : 'loans', 8_000),
    dropConnectionsFault,
    fullStoreFault(4_000),
  ];
  if (shape === 'embedded') {
    const services = full ? SERVICES : ['loans', 'sip2'];
    return [...services.map(killFault), killFault('nats'), killFault('postgres'), ...common];
  }
  const replicas = (full ? SERVICES : ['loans', 'sip2', 'catalog', 'gateway']).map((s) => `${s}-2`);
  return [
    killFault('nats-2'),
    ...replicas.map(killFault),
    ...(full ? [killFault('nats-1'), killFault('postgres')] : []),
    ...common,
  ];
}
