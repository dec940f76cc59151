// AY/AZ error detection (PROTOCOL.md §1.3). The checksum is (-sum of the ENCODED bytes up to and
// including "AZ") & 0xFFFF, as 4 uppercase hex digits. Always verify on raw bytes, before decoding.

const A = 0x41;
const Y = 0x59;
const Z = 0x5a;
const PIPE = 0x7c;

export const REQUEST_SC_RESEND = '96AZFEF6'; // ACS -> SC "bad checksum, resend" (no AY by spec)
export const REQUEST_ACS_RESEND = '97AZFEF5'; // SC -> ACS "resend your last response"

export function checksumOfBytes(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let sum = 0;
  for (let i = start; i < end; i++) sum += bytes[i];
  return toHex4(-sum & 0xffff);
}

/** Checksum of a string as Latin-1/ASCII bytes; use checksumOfBytes for any non-ASCII text. */
export function checksumOfAscii(text: string): string {
  return checksumOfBytes(Buffer.from(text, 'latin1'));
}

function toHex4(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, '0');
}

function isHex(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);
}

/** Where the AY/AZ trailer sits in a frame (byte offsets); undefined when the frame has no AZ trailer. */
export interface ChecksumTrailer {
  /** Offset of "AZ" (the checksum covers bytes [0, azOffset + 2)). */
  azOffset: number;
  /** Offset of "AY" when a sequence number precedes AZ. */
  ayOffset?: number;
  sequence?: string;
  checksum: string;
  /** Offset where the trailer starts (AY if present, else AZ); everything before it is the message body. */
  start: number;
}

/**
 * Finds "[AY<n>]AZ<4 hex>" at the very end of a frame (an optional single trailing '|' is tolerated).
 * Known ambiguity shared with Evergreen: a last field whose value is literally "AZ" + 4 hex digits and
 * has no other field after it would look like a checksum.
 */
export function findChecksumTrailer(frame: Uint8Array): ChecksumTrailer | undefined {
  let end = frame.length;
  if (end > 0 && frame[end - 1] === PIPE) end--;
  const az = end - 6;
  if (az < 2 || frame[az] !== A || frame[az + 1] !== Z) return undefined;
  for (let i = az + 2; i < end; i++) if (!isHex(frame[i])) return undefined;
  const checksum = Buffer.from(frame.subarray(az + 2, end))
    .toString('latin1')
    .toUpperCase();
  const ay = az - 3;
  if (ay >= 2 && frame[ay] === A && frame[ay + 1] === Y) {
    return { azOffset: az, ayOffset: ay, sequence: String.fromCharCode(frame[ay + 2]), checksum, start: ay };
  }
  return { azOffset: az, checksum, start: az };
}

/** True when `frame` (no terminator) ends with an AZ trailer, i.e. the sender uses error detection. */
export function hasErrorDetection(frame: Uint8Array): boolean {
  return findChecksumTrailer(frame) !== undefined;
}

export type ChecksumStatus = 'valid' | 'invalid' | 'absent';

export interface ChecksumVerification {
  status: ChecksumStatus;
  /** AY value if present (a single character, normally 0-9). */
  sequence?: string;
  /** Checksum as received (uppercased). */
  received?: string;
  /** Byte-sum checksum we expected. */
  expected?: string;
  /** 'code-point-sum' only when allowCodePointSum accepted a vendor that sums Unicode code points. */
  method?: 'byte-sum' | 'code-point-sum';
}

export interface VerifyChecksumOptions {
  /**
   * Also accept a checksum computed over Unicode code points of the UTF-8 decoded text (a known vendor
   * bug, php-sip2 #8). Only meaningful for UTF-8 terminals. Default false.
   */
  allowCodePointSum?: boolean;
}

/** Verifies AZ over the raw frame bytes (no terminator). Never throws. */
export function verifyChecksum(frame: Uint8Array, options: VerifyChecksumOptions = {}): ChecksumVerification {
  const t = findChecksumTrailer(frame);
  if (!t) return { status: 'absent' };
  const expected = checksumOfBytes(frame, 0, t.azOffset + 2);
  const base = { sequence: t.sequence, received: t.checksum, expected };
  if (expected === t.checksum) return { ...base, status: 'valid', method: 'byte-sum' };
  if (options.allowCodePointSum) {
    const text = Buffer.from(frame.subarray(0, t.azOffset + 2)).toString('utf8');
    let sum = 0;
    for (const ch of text) sum += ch.codePointAt(0)!;
    if (toHex4(-sum & 0xffff) === t.checksum) return { ...base, status: 'valid', method: 'code-point-sum' };
  }
  return { ...base, status: 'invalid' };
}

/** Appends "AY<n>AZ<cksum>" (or just "AZ<cksum>" without a sequence) to an encoded body. */
export function appendChecksum(body: Uint8Array, sequence?: string | number): Buffer {
  const trailer = sequence === undefined ? 'AZ' : `AY${sequence}AZ`;
  const head = Buffer.concat([body, Buffer.from(trailer, 'latin1')]);
  return Buffer.concat([head, Buffer.from(checksumOfBytes(head), 'latin1')]);
}

/** Strips a trailing CR/LF terminator from an encoded message. */
export function stripTerminator(bytes: Uint8Array): Buffer {
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 0x0d || bytes[end - 1] === 0x0a)) end--;
  return Buffer.from(bytes.subarray(0, end));
}

/**
 * Prepares a cached response for a 97 Request ACS Resend (spec p.4, Evergreen handle_request_acs_resend):
 * drop AY, recompute AZ over the same bytes. A response sent without error detection is returned as is.
 * Input may include the terminator; the output carries `terminator` (default CR).
 */
export function rechecksumForResend(cachedResponse: Uint8Array, terminator = '\r'): Buffer {
  const frame = stripTerminator(cachedResponse);
  const t = findChecksumTrailer(frame);
  const out = t ? appendChecksum(frame.subarray(0, t.start)) : frame;
  return Buffer.concat([out, Buffer.from(terminator, 'latin1')]);
}

/** `96AZFEF6` + terminator: what the ACS sends on a bad checksum. */
export function buildScResend(terminator = '\r'): Buffer {
  return Buffer.from(REQUEST_SC_RESEND + terminator, 'latin1');
}

/** `97AZFEF5` + terminator (SC side), or bare `97` when error detection is off. */
export function buildAcsResend(errorDetection = true, terminator = '\r'): Buffer {
  return Buffer.from((errorDetection ? REQUEST_ACS_RESEND : '97') + terminator, 'latin1');
}
