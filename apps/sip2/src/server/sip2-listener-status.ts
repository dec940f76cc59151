import type * as net from 'node:net';

/**
 * Shared between the listener service and the health checks (which ServiceCoreModule takes at module
 * definition time): `sip2.health.v1` reports each listener up only while it is accepting connections.
 */
export class Sip2ListenerStatus {
  private readonly servers = new Map<'tcp' | 'tls', net.Server>();

  set(kind: 'tcp' | 'tls', server: net.Server | undefined): void {
    if (server) this.servers.set(kind, server);
    else this.servers.delete(kind);
  }

  port(kind: 'tcp' | 'tls'): number | undefined {
    const addr = this.servers.get(kind)?.address();
    return addr && typeof addr === 'object' ? addr.port : undefined;
  }

  async check(kind: 'tcp' | 'tls'): Promise<void> {
    const server = this.servers.get(kind);
    if (!server?.listening) throw new Error(`SIP2 ${kind.toUpperCase()} listener is not accepting connections`);
  }
}
