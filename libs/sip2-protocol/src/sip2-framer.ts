// Stream framing: TCP delivers arbitrary splits, so frames are cut on CR only, never per read
// (Libki #110). Frames stay raw Buffers: the checksum must be verified before decoding, and in GB18030
// a '|' byte can be the trail byte of a character, so fields are split only after decoding.

const CR = 0x0d;
const LF = 0x0a;
const PIPE = 0x7c;

export interface Sip2FramerOptions {
  /** Max bytes of one frame (terminator excluded). Default 4096. */
  maxFrameBytes?: number;
  /** Also end a frame on a bare LF (clients that send LF only). Default false: LF is just stripped. */
  lfIsTerminator?: boolean;
}

export type Sip2FrameEvent =
  | { type: 'frame'; frame: Buffer }
  /**
   * A frame exceeded maxFrameBytes: emitted as soon as the limit is crossed (`bytesSeen` so far); the rest
   * of that frame up to its terminator is discarded silently and never buffered.
   */
  | { type: 'oversized'; bytesSeen: number };

export const DEFAULT_MAX_FRAME_BYTES = 4096;

export class Sip2Framer {
  private readonly maxFrameBytes: number;
  private readonly lfIsTerminator: boolean;
  private chunks: Buffer[] = [];
  private length = 0;
  private discarding = false;

  constructor(options: Sip2FramerOptions = {}) {
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.lfIsTerminator = options.lfIsTerminator ?? false;
  }

  /** Bytes currently buffered for an incomplete frame (never more than maxFrameBytes). */
  get bufferedBytes(): number {
    return this.length;
  }

  /**
   * Feeds a chunk; returns complete frames (cleaned, without terminator) and oversize notices, in order.
   * Empty lines (e.g. the LF of a CRLF, keep-alive CRs) produce nothing.
   */
  push(chunk: Uint8Array): Sip2FrameEvent[] {
    const events: Sip2FrameEvent[] = [];
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b !== CR && !(this.lfIsTerminator && b === LF)) continue;
      this.append(chunk, start, i, events);
      start = i + 1;
      if (this.discarding) {
        this.discarding = false;
      } else {
        const frame = cleanFrame(Buffer.concat(this.chunks, this.length));
        if (frame.length > 0) events.push({ type: 'frame', frame });
      }
      this.chunks = [];
      this.length = 0;
    }
    this.append(chunk, start, chunk.length, events);
    return events;
  }

  /** Drops any partial frame (e.g. on reconnect). */
  reset(): void {
    this.chunks = [];
    this.length = 0;
    this.discarding = false;
  }

  private append(chunk: Uint8Array, from: number, to: number, events: Sip2FrameEvent[]): void {
    if (to <= from || this.discarding) return;
    if (this.length + (to - from) > this.maxFrameBytes) {
      // Switch to discard mode: never buffer, until the next terminator.
      this.discarding = true;
      events.push({ type: 'oversized', bytesSeen: this.length + (to - from) });
      this.chunks = [];
      this.length = 0;
      return;
    }
    // Copy: the caller may reuse its buffer.
    this.chunks.push(Buffer.from(chunk.subarray(from, to)));
    this.length += to - from;
  }
}

/**
 * Terminal quirks (Evergreen/Koha read_request): drop a leading LF (CRLF terminals) and any other
 * leading non-alphanumeric bytes, trailing LF/NUL, and collapse a trailing run of '|' ("|||" from
 * clients that send empty trailing fields) to a single delimiter. Spaces are kept: fixed fields may end in them.
 */
export function cleanFrame(frame: Buffer): Buffer {
  let start = 0;
  let end = frame.length;
  while (start < end && !isAlnum(frame[start])) start++;
  while (end > start && (frame[end - 1] === LF || frame[end - 1] === 0 || frame[end - 1] === CR)) end--;
  if (end - start >= 2 && frame[end - 1] === PIPE && frame[end - 2] === PIPE) {
    while (end > start + 1 && frame[end - 2] === PIPE) end--;
  }
  return start === 0 && end === frame.length ? frame : frame.subarray(start, end);
}

function isAlnum(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}
