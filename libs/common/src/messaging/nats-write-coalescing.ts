import type { NatsConnection } from 'nats';

/** The parts of nats.js 2.x's ProtocolHandler this relies on (checked before anything is changed). */
interface ProtocolLike {
  outbound: { fill(buf: Uint8Array, ...payloads: Uint8Array[]): unknown; size(): number };
  pendingLimit: number;
  flushPending(): void;
  sendCommand(cmd: string | Uint8Array, ...payloads: Uint8Array[]): void;
}

const encoder = new TextEncoder();

/**
 * Make one NATS connection write what it has to send once per event-loop turn instead of once per
 * callback (docs/performance.md, "What limits it").
 *
 * nats.js flushes its outgoing buffer in a microtask, so every reply a service sends from its own
 * I/O callback (one per PostgreSQL answer, one per incoming message) becomes its own `write` to the
 * nats-server socket, and each write wakes nats-server. Flushing in `setImmediate` instead sends
 * everything produced in one turn of the event loop — all the callbacks of one poll phase — in one
 * write. The delay is the rest of the current turn (the poll phase does not block while an immediate
 * is pending); a buffer past nats.js's flush threshold is still written at once.
 *
 * Returns false and changes nothing when the connection does not look like nats.js 2.x inside.
 */
export function coalesceNatsWrites(nc: NatsConnection): boolean {
  const protocol = (nc as unknown as { protocol?: Partial<ProtocolLike> }).protocol;
  if (!isProtocolLike(protocol)) return false;
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    protocol.flushPending();
  };
  protocol.sendCommand = (cmd, ...payloads) => {
    protocol.outbound.fill(typeof cmd === 'string' ? encoder.encode(cmd) : cmd, ...payloads);
    if (protocol.outbound.size() >= protocol.pendingLimit) {
      protocol.flushPending();
    } else if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  return true;
}

function isProtocolLike(p: Partial<ProtocolLike> | undefined): p is ProtocolLike {
  return (
    !!p &&
    typeof p.sendCommand === 'function' &&
    typeof p.flushPending === 'function' &&
    typeof p.pendingLimit === 'number' &&
    typeof p.outbound?.fill === 'function' &&
    typeof p.outbound?.size === 'function'
  );
}
