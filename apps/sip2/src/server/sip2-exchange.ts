import { ErrorCode } from '@app/contracts';
import { requestContext } from '@app/common';
import {
  AnySip2Message,
  buildScResend,
  decodeText,
  encodeMessage,
  RetransmitCache,
  Sip2Message,
  Sip2RequestCode,
  tryParseMessage,
  verifyChecksum,
} from '@app/sip2-protocol';
import type { Logger } from 'pino';
import { errorCodeOf } from '../backend/circulation-backend';
import { BEFORE_LOGIN } from '../handlers/handler-table';
import { HandlerContext, HandlerResult, Sip2Handler, Sip2HandlerTable } from '../handlers/sip2-handler';
import { messageKeyForError, screenLanguageOf } from '../mapping/screen-messages';
import { Sip2MetricsService } from '../metrics/sip2-metrics.service';
import { TerminalAccount } from '../services/terminal-account';
import { Sip2Session, WireSettings } from './sip2-session';

/** Refused messages before login, and unusable frames in a row, before we hang up on a client. */
export const MAX_REFUSED_BEFORE_LOGIN = 5;
export const MAX_BAD_FRAMES_IN_A_ROW = 10;

export interface ExchangeDeps {
  handlers: Sip2HandlerTable;
  metrics: Sip2MetricsService;
  logger: Logger;
  /** fresh (cached) account, to notice a terminal disabled or changed during a session */
  account(login: string): Promise<TerminalAccount | null>;
}

export interface ExchangeOutput {
  /** bytes to write (with terminator); undefined: write nothing */
  bytes?: Buffer;
  /** close the connection after writing, with this reason for the log */
  close?: string;
}

interface Outcome {
  code: string;
  outcome: string;
  error: boolean;
  seq?: string;
}

/** Before login a 93 may use another delimiter than '|': take the character in front of "CO". */
export function detectLoginDelimiter(text: string, fallback: string): string {
  const m = /^93..CN.*?([^\w.@-])CO/s.exec(text);
  return m ? m[1] : fallback;
}

/**
 * One request frame in, one response out: error detection on the raw bytes, 97 resend and idempotent
 * retransmission from the per-connection cache, the login gate, the handler from the table, encoding in
 * the terminal's charset with AY echoed, metrics and one log line. Never throws.
 */
export class Sip2Exchange {
  constructor(private readonly deps: ExchangeDeps) {}

  async onFrame(
    session: Sip2Session,
    cache: RetransmitCache,
    ctx: HandlerContext,
    frame: Buffer,
  ): Promise<ExchangeOutput> {
    const t0 = performance.now();
    const rawCode = frame.length >= 2 ? frame.subarray(0, 2).toString('latin1') : '??';
    const result: Outcome = { code: /^\d\d$/.test(rawCode) ? rawCode : '??', outcome: 'ok', error: false };
    let out: ExchangeOutput;
    try {
      out = await this.process(session, cache, ctx, frame, result);
    } catch (err) {
      // Only a bug gets here (handlers' failures are answered by refuse()); ask the SC to resend.
      this.deps.logger.error(
        { event: 'sip2.exchange-failed', conn: session.id, code: result.code, err: (err as Error).message },
        'SIP2 exchange failed',
      );
      result.outcome = 'internal-error';
      result.error = true;
      out = { bytes: buildScResend(session.wire().terminator) };
    }
    const ms = performance.now() - t0;
    this.deps.metrics.recordExchange(result.code, ms, result.error, session.terminalLogin);
    this.deps.logger.info(
      {
        event: 'sip2.exchange',
        conn: session.id,
        terminal: session.terminalLogin ?? null,
        remote: session.remoteAddress,
        transport: session.transport,
        code: result.code,
        ...(result.seq !== undefined ? { seq: result.seq } : {}),
        outcome: result.outcome,
        ms: Math.round(ms * 10) / 10,
      },
      'sip2 exchange',
    );
    return out;
  }

  /** A frame over the size cap was discarded: ask for a resend (the client's next frame starts clean). */
  onOversized(session: Sip2Session, bytesSeen: number): ExchangeOutput {
    this.deps.metrics.frames.oversized++;
    this.deps.metrics.recordExchange('??', 0, true, session.terminalLogin);
    this.deps.logger.warn(
      {
        event: 'sip2.exchange',
        conn: session.id,
        terminal: session.terminalLogin ?? null,
        remote: session.remoteAddress,
        code: '??',
        outcome: 'oversized-frame',
        bytesSeen,
      },
      'sip2 exchange',
    );
    return this.badFrame(session, session.wire());
  }

  private badFrame(session: Sip2Session, wire: WireSettings): ExchangeOutput {
    session.badFrames++;
    const close = session.badFrames >= MAX_BAD_FRAMES_IN_A_ROW ? 'too many unusable frames' : undefined;
    return { bytes: buildScResend(wire.terminator), close };
  }

  private async process(
    session: Sip2Session,
    cache: RetransmitCache,
    ctx: HandlerContext,
    frame: Buffer,
    result: Outcome,
  ): Promise<ExchangeOutput> {
    const { metrics } = this.deps;
    // A logged-in session follows its account: disabled → hang up; changed settings apply from now on.
    if (session.loggedIn) {
      // a database hiccup must not break a working session: keep the settings we have
      const fresh = await this.deps.account(session.terminal!.login).catch(() => session.terminal!);
      if (!fresh || !fresh.enabled) {
        result.outcome = 'terminal-disabled';
        result.error = true;
        return { close: 'terminal disabled' };
      }
      session.terminal = fresh;
    }
    const wire = session.wire();

    // 1. error detection, on the raw bytes before any decoding
    const check = verifyChecksum(frame, { allowCodePointSum: wire.charset === 'utf-8' });
    if (check.sequence !== undefined) result.seq = check.sequence;
    if (
      check.status === 'invalid' ||
      (check.status === 'valid' && check.sequence !== undefined && !/^[0-9]$/.test(check.sequence))
    ) {
      metrics.frames.checksumErrors++;
      result.outcome = 'bad-checksum';
      result.error = true;
      const out = this.badFrame(session, wire);
      cache.remember(frame, out.bytes!);
      return out;
    }
    if (check.status === 'absent' && wire.errorDetection === 'required') {
      metrics.frames.missingChecksum++;
      result.outcome = 'checksum-required';
      result.error = true;
      const out = this.badFrame(session, wire);
      cache.remember(frame, out.bytes!);
      return out;
    }
    const errorDetection = check.status === 'valid';

    // 2. 97 Request ACS Resend: last response without AY and with a fresh AZ; 96 if nothing was sent yet
    if (result.code === '97') {
      metrics.frames.acsResends++;
      session.badFrames = 0;
      const resend = cache.resendResponse(wire.terminator);
      result.outcome = resend ? 'resent' : 'nothing-to-resend';
      const bytes = resend ?? buildScResend(wire.terminator);
      cache.remember(frame, bytes);
      return { bytes };
    }

    // 3. the same request again (same AY+AZ, same bytes): the SC lost our reply, so replay, never re-execute
    const replay = cache.replayFor(frame);
    if (replay) {
      metrics.frames.replayed++;
      session.badFrames = 0;
      result.outcome = 'replayed';
      return { bytes: replay };
    }

    // 4. decode in the terminal charset and parse (unknown field ids are kept, never fatal)
    const text = decodeText(frame, wire.charset);
    const delimiter =
      !session.loggedIn && result.code === '93' ? detectLoginDelimiter(text, wire.delimiter) : wire.delimiter;
    const parsed = tryParseMessage(text, { delimiter });
    const handler = parsed.ok
      ? (this.deps.handlers as Record<string, Sip2Handler<Sip2RequestCode> | undefined>)[parsed.message.code]
      : undefined;
    if (!parsed.ok || !handler) {
      metrics.frames.invalid++;
      result.outcome = parsed.ok ? `not-a-request-${parsed.message.code}` : `unparseable-${parsed.error.reason}`;
      result.error = true;
      const out = this.badFrame(session, wire);
      cache.remember(frame, out.bytes!);
      return out;
    }
    session.badFrames = 0;
    const request = parsed.message as Sip2Message<Sip2RequestCode>;
    const language = (request.fixed as { language?: string }).language;
    session.requestLanguage = language;
    if (language !== undefined) session.language = screenLanguageOf(language, session.language);

    // 5. the login gate, then the handler
    let handled: HandlerResult;
    let close: string | undefined;
    if (!session.loggedIn && !BEFORE_LOGIN.has(request.code)) {
      metrics.frames.refusedBeforeLogin++;
      session.refusedBeforeLogin++;
      handled = { response: handler.refuse(request, ctx, 'notLoggedIn'), outcome: 'not-logged-in', error: true };
      if (session.refusedBeforeLogin >= MAX_REFUSED_BEFORE_LOGIN) close = 'too many messages before login';
    } else {
      handled = await this.run(handler, request, ctx);
    }
    if (request.code === '93') {
      if (session.loggedIn) metrics.logins.ok++;
      else if (handled.outcome === 'login-throttled') metrics.logins.throttled++;
      else metrics.logins.failed++;
    }
    result.outcome = handled.outcome;
    result.error = handled.error ?? false;

    // 6. encode with the (possibly just logged-in) terminal's settings; echo AY when the request used it
    const response: AnySip2Message = { ...handled.response };
    if (errorDetection && check.sequence !== undefined) response.sequence = check.sequence;
    else delete response.sequence;
    const outWire = session.wire();
    const bytes = encodeMessage(response, {
      charset: outWire.charset,
      delimiter: outWire.delimiter,
      terminator: outWire.terminator,
      errorDetection,
    });
    cache.remember(frame, bytes);
    return { bytes, close };
  }

  private async run(
    handler: Sip2Handler<Sip2RequestCode>,
    request: Sip2Message<Sip2RequestCode>,
    ctx: HandlerContext,
  ): Promise<HandlerResult> {
    try {
      return await requestContext.run({ correlationId: requestContext.newId() }, () => handler.handle(request, ctx));
    } catch (err) {
      const code = errorCodeOf(err) ?? ErrorCode.Internal;
      this.deps.logger.warn(
        {
          event: 'sip2.backend-failed',
          conn: ctx.session.id,
          code: request.code,
          errorCode: code,
          err: (err as Error).message,
        },
        'backend call failed; answering negatively',
      );
      return {
        response: handler.refuse(request, ctx, messageKeyForError(code)),
        outcome: `failed-${code}`,
        error: true,
      };
    }
  }
}
