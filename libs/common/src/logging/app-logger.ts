import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';
import { requestContext } from './request-context';

/**
 * Structured JSON logs (pino) with the correlation id of the current request mixed into every line.
 * Also a Nest LoggerService so framework messages come out as the same JSON.
 */
let destination: ReturnType<typeof pino.destination> | undefined;

/**
 * One asynchronous, buffered stdout stream per process: a write per log line cost the SIP2 adapter ~9 %
 * of its CPU under kiosk load, and even asynchronous single-line writes still ~8 % (docs/performance.md).
 * Lines are written in blocks of 4 kB, at the latest every 250 ms, and whatever is left at exit.
 */
const FLUSH_EVERY_MS = 250;
function stdoutDestination(): ReturnType<typeof pino.destination> {
  if (!destination) {
    const dest = pino.destination({ dest: 1, sync: false, minLength: 4096 });
    setInterval(() => {
      try {
        dest.flush();
      } catch {
        // a flush while the previous write is still in progress is retried on the next tick
      }
    }, FLUSH_EVERY_MS).unref();
    process.once('exit', () => {
      try {
        dest.flushSync();
      } catch {
        // stdout already closed: nothing more can be written anyway
      }
    });
    destination = dest;
  }
  return destination;
}

export function createLogger(service: string, level = 'info'): Logger {
  return pino(
    {
      level,
      base: { service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin() {
        const correlationId = requestContext.correlationId();
        return correlationId ? { correlationId } : {};
      },
      redact: { paths: ['pin', '*.pin', 'password', '*.password', 'apiKey', '*.apiKey'], censor: '[redacted]' },
    },
    stdoutDestination(),
  );
}

export class AppLogger implements LoggerService {
  constructor(readonly pino: Logger) {}

  log(message: unknown, context?: string): void {
    this.write('info', message, context);
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.pino.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.write('trace', message, context);
  }
  fatal(message: unknown, context?: string): void {
    this.write('fatal', message, context);
  }

  private write(level: 'info' | 'warn' | 'debug' | 'trace' | 'fatal', message: unknown, context?: string): void {
    if (typeof message === 'object' && message !== null) this.pino[level]({ context, ...message });
    else this.pino[level]({ context }, String(message));
  }
}
