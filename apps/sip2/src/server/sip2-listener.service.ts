import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { digits } from '@app/sip2-protocol';
import type { Logger } from 'pino';
import { CIRCULATION_BACKEND, CirculationBackend } from '../backend/circulation-backend';
import { FEES_PORT, FeesPort } from '../backend/fees.port';
import { HOLDS_PORT, HoldsPort } from '../backend/holds.port';
import { Sip2EnvDto } from '../config/sip2-env.dto';
import { SIP2_HANDLERS } from '../handlers/handler-table';
import { HandlerContext } from '../handlers/sip2-handler';
import { Sip2MetricsService } from '../metrics/sip2-metrics.service';
import { TerminalAccountsService } from '../services/terminal-accounts.service';
import { LoginGate } from './login-gate';
import { PinGuard } from './pin-guard';
import { Sip2Connection } from './sip2-connection';
import { Sip2Exchange } from './sip2-exchange';
import { Sip2ListenerStatus } from './sip2-listener-status';
import { Sip2Session } from './sip2-session';
import { loadTlsCredentials } from './tls-credentials';

export const SIP2_LOGGER = Symbol('SIP2_LOGGER');

const normalizeAddress = (a: string | undefined) => (a ?? 'unknown').replace(/^::ffff:/, '');

/** The TCP and TLS listeners, started once the Nest app is bootstrapped and closed before it shuts down. */
@Injectable()
export class Sip2ListenerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly connections = new Set<Sip2Connection>();
  private readonly perAddress = new Map<string, number>();
  private readonly idPrefix = randomBytes(2).toString('hex');
  private nextId = 0;
  private tcp?: net.Server;
  private tls?: tls.Server;
  private sweeper?: NodeJS.Timeout;
  private exchange!: Sip2Exchange;
  private gate!: LoginGate;
  private pins!: PinGuard;

  constructor(
    private readonly env: Sip2EnvDto,
    private readonly accounts: TerminalAccountsService,
    @Inject(CIRCULATION_BACKEND) private readonly backend: CirculationBackend,
    @Inject(HOLDS_PORT) private readonly holds: HoldsPort,
    @Inject(FEES_PORT) private readonly fees: FeesPort,
    private readonly metrics: Sip2MetricsService,
    private readonly status: Sip2ListenerStatus,
    @Inject(SIP2_LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.exchange = new Sip2Exchange({ handlers: SIP2_HANDLERS, metrics: this.metrics, logger: this.logger, account: (l) => this.accounts.account(l) });
    this.gate = new LoginGate(this.accounts, this.env.SIP2_LOGIN_FAILURES_PER_MINUTE);
    this.pins = new PinGuard(this.env.SIP2_PIN_FAILURES_PER_TERMINAL_PER_MINUTE, this.env.SIP2_PIN_FAILURES_PER_CONNECTION_PER_MINUTE);
    this.sweeper = setInterval(() => {
      this.gate.sweep();
      this.pins.sweep();
    }, 60_000).unref();

    this.tcp = net.createServer((socket) => this.accept(socket, 'tcp'));
    const creds = loadTlsCredentials({ certFile: this.env.SIP2_TLS_CERT, keyFile: this.env.SIP2_TLS_KEY, dir: this.env.SIP2_TLS_DIR, host: this.env.SIP2_HOST }, this.logger);
    this.tls = tls.createServer({ key: creds.key, cert: creds.cert, minVersion: 'TLSv1.2', handshakeTimeout: 10_000 }, (socket) => this.accept(socket, 'tls'));
    this.tls.on('tlsClientError', (err, socket) => {
      this.logger.debug({ event: 'sip2.tls-handshake-failed', remote: normalizeAddress(socket.remoteAddress), err: err.message }, 'TLS handshake failed');
      socket.destroy();
    });
    await Promise.all([this.listen(this.tcp, this.env.SIP2_PORT, 'tcp'), this.listen(this.tls, this.env.SIP2_TLS_PORT, 'tls')]);
    this.logger.info(
      { event: 'sip2.listening', host: this.env.SIP2_HOST, tcpPort: this.status.port('tcp'), tlsPort: this.status.port('tls'), tlsCert: creds.source },
      'SIP2 listeners ready',
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.sweeper);
    const servers = [this.tcp, this.tls].filter((s): s is net.Server => !!s);
    this.status.set('tcp', undefined);
    this.status.set('tls', undefined);
    for (const c of this.connections) c.close('server shutting down');
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  private listen(server: net.Server, port: number, kind: 'tcp' | 'tls'): Promise<void> {
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host: this.env.SIP2_HOST }, () => {
        server.off('error', reject);
        server.on('error', (err) => this.logger.error({ event: 'sip2.listener-error', kind, err: err.message }, 'SIP2 listener error'));
        this.status.set(kind, server);
        resolve();
      });
    });
  }

  private accept(socket: net.Socket, transport: 'tcp' | 'tls'): void {
    const remote = normalizeAddress(socket.remoteAddress);
    const fromHere = this.perAddress.get(remote) ?? 0;
    if (this.connections.size >= this.env.SIP2_MAX_CONNECTIONS || fromHere >= this.env.SIP2_MAX_CONNECTIONS_PER_ADDRESS) {
      this.metrics.connections.rejected++;
      this.logger.warn({ event: 'sip2.connection-rejected', remote, transport, open: this.connections.size, fromAddress: fromHere }, 'too many SIP2 connections');
      socket.destroy();
      return;
    }
    const session = new Sip2Session(`${transport}-${this.idPrefix}-${(this.nextId++).toString(36)}`, remote, transport);
    const connection = new Sip2Connection(
      socket,
      session,
      this.exchange,
      this.contextFor(session),
      { maxFrameBytes: this.env.SIP2_MAX_FRAME_BYTES, loginTimeoutMs: this.env.SIP2_LOGIN_TIMEOUT_SECONDS * 1000 },
      this.logger,
      () => this.metrics.connections.timedOut++,
    );
    this.connections.add(connection);
    this.perAddress.set(remote, fromHere + 1);
    this.metrics.connections.open++;
    this.metrics.connections.total++;
    this.metrics.connections[transport]++;
    socket.once('close', () => {
      this.connections.delete(connection);
      const n = (this.perAddress.get(remote) ?? 1) - 1;
      if (n > 0) this.perAddress.set(remote, n);
      else this.perAddress.delete(remote);
      this.metrics.connections.open--;
    });
    this.logger.debug({ event: 'sip2.connect', conn: session.id, remote, transport }, 'SIP2 connection');
    connection.start();
  }

  private contextFor(session: Sip2Session): HandlerContext {
    return {
      session,
      backend: this.backend,
      holds: this.holds,
      fees: this.fees,
      pins: this.pins,
      pinEvents: { pinFailed: () => this.metrics.pins.failed++, pinThrottled: () => this.metrics.pins.throttled++ },
      logins: this.gate,
      timeZone: this.env.LIBRARY_TIMEZONE,
      now: () => new Date(),
      // a write may take its deadline plus the time to learn its outcome: the kiosk should wait that long
      acsTimeoutPeriod: digits(Math.min(999, Math.ceil(Math.max(this.env.NATS_REQUEST_TIMEOUT_MS, this.env.SIP2_WRITE_DEADLINE_MS + this.env.SIP2_WRITE_OUTCOME_MS) / 100)), 3),
    };
  }
}
