/** Messages between the load generator (main thread) and its kiosk worker threads. */
export interface KioskSpec {
  /** global kiosk number: kiosk k is active at concurrency c when k < c */
  index: number;
  login: string;
  password: string;
  location: string;
  items: string[];
  patrons: string[];
}

export interface KioskWorkerData {
  host: string;
  port: number;
  agency: string;
  pin: string;
  timeZone: string;
  timeoutMs: number;
  kiosks: KioskSpec[];
}

export type KioskCommand =
  | { cmd: 'connect' }
  | { cmd: 'reset' }
  | {
      cmd: 'run';
      mode: 'closed' | 'open';
      active: number;
      durationMs: number;
      startAtEpochMs: number;
      rate?: number;
      arrival?: 'uniform' | 'poisson';
      seed?: number;
    }
  | { cmd: 'finish' }
  | { cmd: 'close' };

export interface PhaseCounts {
  messages: number;
  errors: number;
  byCode: Record<string, { histogram: string; count: number; errors: number }>;
  all: string;
  errorSamples: string[];
  /** wall time from start to the last response, ms */
  elapsedMs: number;
}

export type KioskReply =
  { ok: true; result?: PhaseCounts; info?: Record<string, number> } | { ok: false; error: string };
