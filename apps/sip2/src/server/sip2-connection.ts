import type * as net from 'node:net';
import { RetransmitCache, Sip2Framer, Sip2FrameEvent } from '@app/sip2-protocol';
import type { Logger } from 'pino';
import { HandlerContext } from '../handlers/sip2-handler';
import { Sip2Exchange } from './sip2-exchange';
import { Sip2Session } from './sip2-session';

export interface ConnectionOptions {
  maxFrameBytes: number;
  /** until the terminal is known (env SIP2_LOGIN_TIMEOUT_SECONDS) */
  loginTimeoutMs: number;
  /** frames queued beyond this pause reading from the socket (a client pipelining too fast) */
  maxPendingFrames?: number;
  /** a client that does not read our answers for this long is dropped */
  drainTimeoutMs?: number;
}

/**
 * One SC connection. Bytes are framed incrementally (no per-byte work beyond a scan for CR), frames are
 * processed strictly one after the other (SIP2 is request/response), reading pauses while too many frames
 * queue up or while the client does not read what we write, and idle/login timers close dead sessions.
 * Nothing here blocks the event loop, so one slow or hostile client never delays the others.
 */
export class Sip2Connection {
  private readonly framer: Sip2Framer;
  private readonly cache = new RetransmitCache();
  private readonly queue: Sip2FrameEvent[] = [];
  private readonly maxPending: number;
  private readonly drainTimeoutMs: number;
  private busy = false;
  private closing = false;
  private loginTimer?: NodeJS.Timeout;
  private loginDeadline: number;

  constructor(
    private readonly socket: net.Socket,
    readonly session: Sip2Session,
    private readonly exchange: Sip2Exchange,
    private readonly ctx: HandlerContext,
    private readonly opts: ConnectionOptions,
    private readonly logger: Logger,
    private readonly onTimeout: () => void,
  ) {
    this.framer = new Sip2Framer({ maxFrameBytes: opts.maxFrameBytes });
    this.maxPending = opts.maxPendingFrames ?? 8;
    this.drainTimeoutMs = opts.drainTimeoutMs ?? 30_000;
    this.loginDeadline = session.connectedAt + opts.loginTimeoutMs;
  }

  start(): void {
    this.socket.setNoDelay(true);
    this.socket.setKeepAlive(true, 60_000);
    this.socket.setTimeout(this.opts.loginTimeoutMs);
    this.socket.on('timeout', () => {
      this.onTimeout();
      this.close(this.session.loggedIn ? 'idle timeout' : 'login timeout');
    });
    this.armLoginTimer();
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (err) =>
      this.logger.debug({ event: 'sip2.socket-error', conn: this.session.id, err: err.message }, 'socket error'),
    );
    this.socket.on('close', () => {
      this.closing = true;
      clearTimeout(this.loginTimer);
      this.ctx.pins.forgetConnection(this.session);
    });
  }

  get isClosing(): boolean {
    return this.closing;
  }

  /** Ends the session: flush what was written, then close (destroy if the peer does not cooperate). */
  close(reason: string): void {
    if (this.closing) return;
    this.closing = true;
    clearTimeout(this.loginTimer);
    this.logger.info(
      {
        event: 'sip2.disconnect',
        conn: this.session.id,
        terminal: this.session.terminalLogin ?? null,
        remote: this.session.remoteAddress,
        reason,
      },
      'closing SIP2 connection',
    );
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    for (const ev of this.framer.push(chunk)) this.queue.push(ev);
    if (this.queue.length >= this.maxPending) this.socket.pause();
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length > 0 && !this.closing) {
        const ev = this.queue.shift()!;
        const out =
          ev.type === 'frame'
            ? await this.exchange.onFrame(this.session, this.cache, this.ctx, ev.frame)
            : this.exchange.onOversized(this.session, ev.bytesSeen);
        if (out.bytes && !(await this.write(out.bytes))) return;
        if (out.close) {
          this.close(out.close);
          return;
        }
        this.applySessionTimers();
        if (this.socket.isPaused() && this.queue.length < this.maxPending / 2) this.socket.resume();
      }
    } finally {
      this.busy = false;
      if (!this.closing && this.socket.isPaused() && this.queue.length === 0) this.socket.resume();
    }
  }

  /** Backpressure-safe write: wait for 'drain' (bounded) instead of buffering without limit. */
  private async write(bytes: Buffer): Promise<boolean> {
    if (this.socket.destroyed || !this.socket.writable) return false;
    if (this.socket.write(bytes)) return true;
    const drained = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => done(false), this.drainTimeoutMs);
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.socket.off('drain', onDrain);
        this.socket.off('close', onClose);
        resolve(ok);
      };
      const onDrain = () => done(true);
      const onClose = () => done(false);
      this.socket.on('drain', onDrain);
      this.socket.on('close', onClose);
    });
    if (!drained && !this.socket.destroyed) {
      this.logger.warn(
        { event: 'sip2.slow-reader', conn: this.session.id, remote: this.session.remoteAddress },
        'client does not read; dropping',
      );
      this.socket.destroy();
    }
    return drained;
  }

  /** After login the terminal's idle timeout applies; a 93 naming a known account sets its login timeout. */
  private applySessionTimers(): void {
    const s = this.session;
    if (s.loggedIn) {
      clearTimeout(this.loginTimer);
      this.loginTimer = undefined;
      this.socket.setTimeout(s.terminal!.idleTimeoutSeconds * 1000);
      return;
    }
    const deadline = s.namedAccount
      ? s.connectedAt + s.namedAccount.loginTimeoutSeconds * 1000
      : s.connectedAt + this.opts.loginTimeoutMs;
    if (deadline !== this.loginDeadline || !this.loginTimer) {
      this.loginDeadline = deadline;
      this.armLoginTimer();
    }
  }

  private armLoginTimer(): void {
    clearTimeout(this.loginTimer);
    this.loginTimer = setTimeout(
      () => {
        if (!this.session.loggedIn) {
          this.onTimeout();
          this.close('login timeout');
        }
      },
      Math.max(1000, this.loginDeadline - Date.now()),
    );
    this.loginTimer.unref();
  }
}
