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
import { TransactionKeyLedger } from './transaction-keys';
import { Sip2Session } from './sip2-session';
import { loadTlsCredentials, sip2TlsServerOptions } from './tls-credentials';
import type { Sip2TerminalThrottleState } from '@app/contracts';

export const SIP2_LOGGER = Symbol('SIP2_LOGGER');

const normalizeAddress = (a: string | undefined) => (a ?? 'unknown').replace(/^::ffff:/, '');

/** The TCP and TLS listeners, started once the Nest app is bootstrapped and closed before it shuts down. */
@Injectable()
export class Sip2ListenerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly connections = new Set<Sip2Connection>();
  /** the session of every open connection: terminals connected now are counted from them */
  private readonly sessions = new Set<Sip2Session>();
  /** connections not logged in yet, oldest first (pruned lazily on accept) */
  private readonly unauthenticated = new Set<Sip2Connection>();
  /** displaced, socket not closed yet */
  private readonly displacing = new Set<Sip2Connection>();
  private readonly perAddress = new Map<string, number>();
  private readonly idPrefix = randomBytes(2).toString('hex');
  private readonly transactionKeys = new TransactionKeyLedger();
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
    this.metrics.connectedFrom(() => this.connectedByTerminal());
    this.exchange = new Sip2Exchange({
      handlers: SIP2_HANDLERS,
      metrics: this.metrics,
      logger: this.logger,
      account: (l) => this.accounts.account(l),
    });
    this.gate = new LoginGate(this.accounts, {
      freePerMinute: this.env.SIP2_LOGIN_FAILURES_PER_MINUTE,
      maxDelayMs: this.env.SIP2_LOGIN_FAILURE_MAX_DELAY_MS,
      logger: this.logger,
    });
    this.pins = new PinGuard({
      freePerMinute: this.env.SIP2_PIN_FAILURES_PER_TERMINAL_PER_MINUTE,
      perCardPerMinute: this.env.SIP2_PIN_FAILURES_PER_CARD_PER_MINUTE,
      maxDelayMs: this.env.SIP2_PIN_FAILURE_MAX_DELAY_MS,
      logger: this.logger,
    });
    void this.accounts.dummyHash(); // ready before the first unknown login, so it costs what a known one does
    this.sweeper = setInterval(() => {
      this.gate.sweep();
      this.pins.sweep();
    }, 60_000).unref();

    this.tcp = net.createServer((socket) => this.accept(socket, 'tcp'));
    const creds = loadTlsCredentials(
      {
        certFile: this.env.SIP2_TLS_CERT,
        keyFile: this.env.SIP2_TLS_KEY,
        dir: this.env.SIP2_TLS_DIR,
        host: this.env.SIP2_HOST,
      },
      this.logger,
    );
    this.tls = tls.createServer(sip2TlsServerOptions(creds), (socket) => this.accept(socket, 'tls'));
    this.tls.on('tlsClientError', (err, socket) => {
      this.logger.debug(
        { event: 'sip2.tls-handshake-failed', remote: normalizeAddress(socket.remoteAddress), err: err.message },
        'TLS handshake failed',
      );
      socket.destroy();
    });
    await Promise.all([
      this.listen(this.tcp, this.env.SIP2_PORT, 'tcp'),
      this.listen(this.tls, this.env.SIP2_TLS_PORT, 'tls'),
    ]);
    this.logger.info(
      {
        event: 'sip2.listening',
        host: this.env.SIP2_HOST,
        tcpPort: this.status.port('tcp'),
        tlsPort: this.status.port('tls'),
        tlsCert: creds.source,
      },
      'SIP2 listeners ready',
    );
  }

  /** What wrong passwords and PINs currently cost this terminal (in this process). */
  throttleState(login: string): Sip2TerminalThrottleState {
    const logins = this.gate.state(login);
    const pins = this.pins.state(login);
    const reasons = [
      pins.pinFailureDelayMs > 0
        ? `${pins.pinFailuresLastMinute} wrong PINs in the last minute: wrong-PIN answers delayed ${pins.pinFailureDelayMs} ms`
        : '',
      pins.throttledCards > 0 ? `${pins.throttledCards} card(s) no longer PIN-checked here this minute` : '',
      logins.loginFailuresLastMinute > 0
        ? `${logins.loginFailuresLastMinute} wrong terminal passwords in the last minute (last from ${logins.lastLoginFailureFrom})`
        : '',
    ].filter(Boolean);
    return { ...logins, ...pins, reason: reasons.length ? reasons.join('; ') : null };
  }

  /** Staff clearing a terminal (DELETE /api/sip2/terminals/:login/throttle). */
  clearThrottle(login: string): void {
    this.gate.clear(login);
    this.pins.clear(login);
    this.logger.info(
      { event: 'security.terminal-throttle-cleared', terminal: login },
      'terminal throttle cleared by staff',
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
        server.on('error', (err) =>
          this.logger.error({ event: 'sip2.listener-error', kind, err: err.message }, 'SIP2 listener error'),
        );
        this.status.set(kind, server);
        resolve();
      });
    });
  }

  /**
   * Room for a new connection, or false. Connections not logged in yet have caps of their own (per address
   * and in total); at a cap the oldest of them that is not verifying a password is displaced, so idle
   * sockets cannot hold the door shut for a kiosk reconnecting from the same address. Logged-in
   * connections are never displaced.
   */
  private makeRoom(remote: string): boolean {
    for (const c of this.unauthenticated) if (c.session.loggedIn || c.isClosing) this.unauthenticated.delete(c);
    // displaced connections count until their socket has closed; not twice
    const from = (c: Sip2Connection) => c.session.remoteAddress === remote;
    const total = () => this.connections.size - this.displacing.size;
    const fromAddress = () => (this.perAddress.get(remote) ?? 0) - [...this.displacing].filter(from).length;
    const waiting = () => [...this.unauthenticated];
    const waitingHere = () => waiting().filter(from);
    const limits: [() => boolean, () => Sip2Connection[]][] = [
      [() => total() >= this.env.SIP2_MAX_CONNECTIONS, waiting],
      [() => fromAddress() >= this.env.SIP2_MAX_CONNECTIONS_PER_ADDRESS, waitingHere],
      [() => waitingHere().length >= this.env.SIP2_MAX_UNAUTHENTICATED_PER_ADDRESS, waitingHere],
      [() => this.unauthenticated.size >= this.env.SIP2_MAX_UNAUTHENTICATED, waiting],
    ];
    for (const [reached, candidates] of limits) {
      if (!reached()) continue;
      const victim = candidates().find((c) => !c.session.verifyingLogin); // Set order: oldest first
      if (!victim) return false;
      this.unauthenticated.delete(victim);
      this.displacing.add(victim);
      this.metrics.connections.displaced++;
      victim.close('displaced: too many connections not logged in');
    }
    return true;
  }

  private accept(socket: net.Socket, transport: 'tcp' | 'tls'): void {
    const remote = normalizeAddress(socket.remoteAddress);
    if (!this.makeRoom(remote)) {
      this.metrics.connections.rejected++;
      this.logger.warn(
        {
          event: 'sip2.connection-rejected',
          remote,
          transport,
          open: this.connections.size,
          unauthenticated: this.unauthenticated.size,
        },
        'too many SIP2 connections',
      );
      socket.destroy();
      return;
    }
    const fromHere = this.perAddress.get(remote) ?? 0;
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
    this.sessions.add(session);
    this.unauthenticated.add(connection);
    this.perAddress.set(remote, fromHere + 1);
    this.metrics.connections.open++;
    this.metrics.connections.total++;
    this.metrics.connections[transport]++;
    socket.once('close', () => {
      this.connections.delete(connection);
      this.sessions.delete(session);
      this.unauthenticated.delete(connection);
      this.displacing.delete(connection);
      const n = (this.perAddress.get(remote) ?? 1) - 1;
      if (n > 0) this.perAddress.set(remote, n);
      else this.perAddress.delete(remote);
      this.metrics.connections.open--;
    });
    this.logger.debug({ event: 'sip2.connect', conn: session.id, remote, transport }, 'SIP2 connection');
    connection.start();
  }

  /** Open connections logged in now, by terminal login (a terminal may hold several). */
  connectedByTerminal(): Map<string, number> {
    const out = new Map<string, number>();
    for (const s of this.sessions) {
      if (!s.loggedIn) continue;
      const login = s.terminalLogin!;
      out.set(login, (out.get(login) ?? 0) + 1);
    }
    return out;
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
      transactionKeys: this.transactionKeys,
      // a write may take its deadline plus the time to learn its outcome: the kiosk should wait that long
      acsTimeoutPeriod: digits(
        Math.min(
          999,
          Math.ceil(
            Math.max(
              this.env.NATS_REQUEST_TIMEOUT_MS,
              this.env.SIP2_WRITE_DEADLINE_MS + this.env.SIP2_WRITE_OUTCOME_MS,
            ) / 100,
          ),
        ),
        3,
      ),
    };
  }
}
