// Per-connection memory of the last request/response pair (PROTOCOL.md §1.3, FOLIO requiredResending):
// a kiosk that lost our reply re-sends the identical request (same AY and AZ); we must replay the cached
// response instead of executing a checkout/checkin twice. Also serves 97 Request ACS Resend.
import { findChecksumTrailer, rechecksumForResend, stripTerminator } from './checksum';

export class RetransmitCache {
  private lastRequest?: Buffer;
  private lastRequestKey?: string;
  private lastResponseBytes?: Buffer;

  /**
   * Returns the cached response if `request` (raw frame) is a retransmission of the previous request:
   * it carries AY+AZ, both equal the previous request's, and the bytes are identical (so an AY+AZ
   * collision between two different requests is never swallowed). Undefined otherwise.
   * A 97 is never treated as a retransmission; use resendResponse() for it.
   */
  replayFor(request: Uint8Array): Buffer | undefined {
    const frame = stripTerminator(request);
    if (!this.lastRequest || !this.lastResponseBytes || isAcsResend(frame)) return undefined;
    const key = trailerKey(frame);
    if (key === undefined || key !== this.lastRequestKey) return undefined;
    return this.lastRequest.equals(frame) ? this.lastResponseBytes : undefined;
  }

  /** Records the request we just executed and the exact bytes (with terminator) we replied. */
  remember(request: Uint8Array, response: Uint8Array): void {
    const frame = stripTerminator(request);
    if (isAcsResend(frame)) {
      this.lastResponseBytes = Buffer.from(response);
      return;
    }
    this.lastRequest = frame;
    this.lastRequestKey = trailerKey(frame);
    this.lastResponseBytes = Buffer.from(response);
  }

  /** Last response bytes as sent (with terminator), if any. */
  get lastResponse(): Buffer | undefined {
    return this.lastResponseBytes;
  }

  /**
   * What to send for a 97: the last response without AY and with a fresh AZ; undefined when nothing was
   * sent yet (the caller must then send 96, per Evergreen/spec p.16).
   */
  resendResponse(terminator = '\r'): Buffer | undefined {
    return this.lastResponseBytes ? rechecksumForResend(this.lastResponseBytes, terminator) : undefined;
  }

  clear(): void {
    this.lastRequest = this.lastRequestKey = this.lastResponseBytes = undefined;
  }
}

function trailerKey(frame: Buffer): string | undefined {
  const t = findChecksumTrailer(frame);
  return t?.sequence === undefined ? undefined : `${t.sequence}:${t.checksum}`;
}

function isAcsResend(frame: Buffer): boolean {
  // tolerate leading LF/junk already removed by the framer; code is the first two bytes
  return frame.length >= 2 && frame[0] === 0x39 && frame[1] === 0x37;
}
