// Table-driven SIP2 codec: one parser and one encoder for every message in MESSAGE_SPECS.
// Text in, bytes out: parseMessage works on DECODED text (verify the checksum on raw bytes first,
// see decodeFrame); encodeMessage produces the charset-encoded bytes with AY/AZ and terminator.
import { Sip2Charset, decodeText, encodeText } from './charset';
import { ChecksumVerification, VerifyChecksumOptions, appendChecksum, verifyChecksum } from './checksum';
import { FIELD_IDS, FIELD_SPECS, FieldSpec, Sip2FieldId, Sip2Fields, isKnownFieldId } from './field-spec';
import {
  FixedFieldSpec,
  MESSAGE_SPECS,
  MessageSpec,
  Sip2FixedFields,
  Sip2MessageCode,
  isMessageCode,
} from './message-spec';
import { MAX_FIELD_LENGTH, escapeValue } from './sip2-values';

export interface Sip2UnknownField {
  id: string;
  value: string;
}

/** One SIP2 message. `fixed` values are exact-width wire strings; `fields` are keyed by field name. */
export interface Sip2Message<C extends Sip2MessageCode = Sip2MessageCode> {
  code: C;
  fixed: Sip2FixedFields<C>;
  fields: Sip2Fields;
  /** Field ids not in FIELD_SPECS, in wire order (kept, re-emitted by the encoder, never fatal). */
  unknown?: Sip2UnknownField[];
  /** AY value (one char, '0'..'9'). Setting it turns error detection on when encoding. */
  sequence?: string;
  /** AZ as received (parse only; the encoder always recomputes it). */
  checksum?: string;
}

/** Discriminated union over `code`: `if (m.code === '11') m.fixed.nbDueDate` type-checks. */
export type AnySip2Message = { [C in Sip2MessageCode]: Sip2Message<C> }[Sip2MessageCode];

/**
 * empty: nothing but junk; invalid-code: first two chars not digits; unknown-code: not in MESSAGE_SPECS;
 * short-fixed: fewer chars than the fixed part needs; invalid-fixed: the fixed part contains the delimiter
 * or a CR/LF (i.e. a fixed field is missing and the variable part starts too early).
 */
export type Sip2ParseErrorReason = 'empty' | 'invalid-code' | 'unknown-code' | 'short-fixed' | 'invalid-fixed';

export class Sip2ParseError extends Error {
  override readonly name = 'Sip2ParseError';
  constructor(
    readonly reason: Sip2ParseErrorReason,
    message: string,
    /** Two-char message code when it could be read. */
    readonly code?: string,
  ) {
    super(message);
  }
}

export class Sip2EncodeError extends Error {
  override readonly name = 'Sip2EncodeError';
}

export interface Sip2ParseOptions {
  /** Field delimiter configured for the terminal. Default '|'. */
  delimiter?: string;
}

const HEX4 = /^[0-9A-Fa-f]{4}$/;

interface Trailer {
  start: number;
  sequence?: string;
  checksum: string;
}

// "[AY<n>]AZ<hex4>[|]" at the end, and only at a field boundary so that e.g. "ABAZ1234" is not a checksum.
function findTextTrailer(text: string, varStart: number, delimiter: string): Trailer | undefined {
  let end = text.length;
  if (text.endsWith(delimiter)) end -= delimiter.length;
  const az = end - 6;
  if (az < varStart || text.slice(az, az + 2) !== 'AZ' || !HEX4.test(text.slice(az + 2, end))) return undefined;
  const checksum = text.slice(az + 2, end).toUpperCase();
  const atBoundary = (i: number) => i === varStart || text.slice(i - delimiter.length, i) === delimiter;
  const ay = az - 3;
  if (ay >= varStart && text.slice(ay, ay + 2) === 'AY' && text[ay + 2] !== delimiter && atBoundary(ay)) {
    return { start: ay, sequence: text[ay + 2], checksum };
  }
  return atBoundary(az) ? { start: az, checksum } : undefined;
}

/**
 * Parses one decoded message (terminator optional). Tolerates a leading LF/junk, a stray delimiter after
 * the fixed part, a missing final delimiter and unknown field ids. Throws Sip2ParseError on malformed input.
 */
export function parseMessage(input: string, options: Sip2ParseOptions = {}): AnySip2Message {
  const delimiter = options.delimiter ?? '|';
  const text = input.replace(/^[^0-9A-Za-z]+/, '').replace(/[\r\n\0]+$/, '');
  if (text.length === 0) throw new Sip2ParseError('empty', 'empty message');
  const code = text.slice(0, 2);
  if (!/^\d\d$/.test(code)) throw new Sip2ParseError('invalid-code', `invalid message code "${code}"`);
  if (!isMessageCode(code)) throw new Sip2ParseError('unknown-code', `unknown message code ${code}`, code);
  const spec: MessageSpec = MESSAGE_SPECS[code];
  const fixedSpecs = spec.fixed as readonly FixedFieldSpec[];
  const varStart = 2 + fixedSpecs.reduce((n, s) => n + s.length, 0);
  if (text.length < varStart) {
    throw new Sip2ParseError(
      'short-fixed',
      `message ${code} needs ${varStart - 2} fixed chars, got ${text.length - 2}`,
      code,
    );
  }

  const fixedText = text.slice(2, varStart);
  if (fixedText.includes(delimiter) || /[\r\n\0]/.test(fixedText)) {
    throw new Sip2ParseError('invalid-fixed', `fixed part of ${code} contains a delimiter or line break`, code);
  }
  const fixed: Record<string, string> = {};
  let pos = 2;
  for (const fs of fixedSpecs) {
    fixed[fs.name] = text.slice(pos, pos + fs.length);
    pos += fs.length;
  }

  const trailer = findTextTrailer(text, varStart, delimiter);
  const fields: Record<string, string | string[]> = {};
  const unknown: Sip2UnknownField[] = [];
  let sequence = trailer?.sequence;
  let checksum = trailer?.checksum;

  for (const segment of text.slice(varStart, trailer ? trailer.start : text.length).split(delimiter)) {
    if (segment.length === 0) continue; // stray or doubled delimiters
    const id = segment.slice(0, 2);
    const value = segment.slice(2);
    if (id === 'AY' && sequence === undefined) sequence = value;
    else if (id === 'AZ' && checksum === undefined) checksum = value.toUpperCase();
    else if (isKnownFieldId(id)) {
      const fspec: FieldSpec = FIELD_SPECS[id];
      if (fspec.repeatable) ((fields[fspec.name] ??= []) as string[]).push(value);
      else fields[fspec.name] = value; // duplicates: last wins, like Evergreen's hash
    } else unknown.push({ id, value });
  }

  const message: Sip2Message = {
    code,
    fixed: fixed as Sip2FixedFields<typeof code>,
    fields: fields as Sip2Fields,
    unknown,
  };
  if (sequence !== undefined) message.sequence = sequence;
  if (checksum !== undefined) message.checksum = checksum;
  return message as AnySip2Message;
}

export type Sip2ParseResult = { ok: true; message: AnySip2Message } | { ok: false; error: Sip2ParseError };

/** Non-throwing parseMessage. */
export function tryParseMessage(input: string, options?: Sip2ParseOptions): Sip2ParseResult {
  try {
    return { ok: true, message: parseMessage(input, options) };
  } catch (error) {
    if (error instanceof Sip2ParseError) return { ok: false, error };
    throw error;
  }
}

export interface Sip2DecodeOptions extends Sip2ParseOptions, VerifyChecksumOptions {
  charset: Sip2Charset;
}

export interface Sip2DecodedFrame {
  message: AnySip2Message;
  /** Verified on the raw bytes before decoding. 'invalid' -> reply 96 (REQUEST_SC_RESEND). */
  checksum: ChecksumVerification;
}

/** Verify checksum on raw bytes, then decode with the terminal charset and parse. Throws Sip2ParseError. */
export function decodeFrame(frame: Uint8Array, options: Sip2DecodeOptions): Sip2DecodedFrame {
  const checksum = verifyChecksum(frame, options);
  const message = parseMessage(decodeText(frame, options.charset), options);
  return { message, checksum };
}

export interface Sip2EncodeOptions {
  /** Default 'utf-8'. */
  charset?: Sip2Charset;
  /** Default '|'. */
  delimiter?: string;
  /** Default '\r'. Use '\r\n' for Koha-style clients, '' to get the bare frame. */
  terminator?: string;
  /**
   * Append AY/AZ. Default: on iff msg.sequence is set. With errorDetection true and no sequence, only
   * AZ is appended (96/97 and resent responses carry no AY).
   */
  errorDetection?: boolean;
  /** Emit required fields even when absent (empty value), as Evergreen does. Default true. */
  emitRequired?: boolean;
  /** Cap for each variable value, in characters. Default 255. */
  maxValueLength?: number;
}

const ID_BY_NAME: ReadonlyMap<string, Sip2FieldId> = new Map(FIELD_IDS.map((id) => [FIELD_SPECS[id].name, id]));
const FIELD_INDEX: ReadonlyMap<Sip2FieldId, number> = new Map(FIELD_IDS.map((id, i) => [id, i]));

/** What encodeMessageBody needs from a MessageSpec, worked out once per message code. */
interface EncodePlan {
  /** spec.fields without repeats */
  specOrder: readonly Sip2FieldId[];
  /** spec.fields and spec.required: never picked up again from the caller's keys */
  notExtra: ReadonlySet<Sip2FieldId>;
  required: ReadonlySet<Sip2FieldId>;
  /** required ids missing from spec.fields (none today): emitted with the extras, in FIELD_IDS order */
  requiredExtra: readonly Sip2FieldId[];
}

const encodePlans = new Map<string, EncodePlan>();

function encodePlan(code: string, spec: MessageSpec): EncodePlan {
  let plan = encodePlans.get(code);
  if (!plan) {
    const inSpec = new Set<Sip2FieldId>(spec.fields);
    const required = new Set<Sip2FieldId>(spec.required);
    plan = {
      specOrder: [...inSpec],
      notExtra: new Set([...inSpec, ...required]),
      required,
      requiredExtra: [...required].filter((id) => !inSpec.has(id)),
    };
    encodePlans.set(code, plan);
  }
  return plan;
}

/** Builds the message text up to (not including) AY/AZ. Throws Sip2EncodeError on bad fixed fields. */
export function encodeMessageBody(msg: Sip2Message<Sip2MessageCode>, options: Sip2EncodeOptions = {}): string {
  const delimiter = options.delimiter ?? '|';
  const maxLength = options.maxValueLength ?? MAX_FIELD_LENGTH;
  if (!isMessageCode(msg.code)) throw new Sip2EncodeError(`unknown message code ${String(msg.code)}`);
  const spec: MessageSpec = MESSAGE_SPECS[msg.code];
  const fixedValues = msg.fixed as Record<string, unknown>;
  let out: string = msg.code;

  for (const fs of spec.fixed as readonly FixedFieldSpec[]) {
    const v = fixedValues[fs.name];
    if (typeof v !== 'string') throw new Sip2EncodeError(`${msg.code}: fixed field ${fs.name} missing`);
    if (v.length !== fs.length || v.includes(delimiter) || /[\r\n]/.test(v)) {
      throw new Sip2EncodeError(
        `${msg.code}: fixed field ${fs.name} must be ${fs.length} chars, got ${JSON.stringify(v)}`,
      );
    }
    out += v;
  }

  const values = msg.fields as Record<string, string | string[] | undefined>;
  const plan = encodePlan(msg.code, spec);
  const emitRequired = options.emitRequired ?? true;
  const escape = { delimiter, maxLength };
  const emit = (id: string, value: string) => {
    out += id + escapeValue(value, escape) + delimiter;
  };
  const emitField = (id: Sip2FieldId) => {
    const v = values[FIELD_SPECS[id].name];
    if (v === undefined) {
      if (emitRequired && plan.required.has(id)) emit(id, '');
    } else if (Array.isArray(v)) v.forEach((item) => emit(id, item));
    else emit(id, v);
  };
  // Spec order first (e.g. AP leads a 09), then any other known field the caller set, in FIELD_IDS
  // order. Only the caller's own keys are looked at: scanning all of FIELD_IDS per message was 6 % of
  // the SIP2 adapter's CPU.
  plan.specOrder.forEach(emitField);
  // the old full scan read values[...] and so threw on a missing fields object even with no spec fields
  if (values === undefined || values === null) throw new TypeError(`${msg.code}: fields missing`);
  let extra: Sip2FieldId[] | undefined;
  for (const name in values) {
    const id = ID_BY_NAME.get(name);
    if (id !== undefined && !plan.notExtra.has(id)) (extra ??= []).push(id);
  }
  if (plan.requiredExtra.length > 0) (extra ??= []).push(...plan.requiredExtra);
  if (extra) {
    extra.sort((a, b) => FIELD_INDEX.get(a)! - FIELD_INDEX.get(b)!);
    extra.forEach(emitField);
  }
  for (const u of msg.unknown ?? []) emit(u.id, u.value);
  return out;
}

/** Encodes to wire bytes in the terminal charset, with AY/AZ (checksum over the encoded bytes) and terminator. */
export function encodeMessage(msg: Sip2Message<Sip2MessageCode>, options: Sip2EncodeOptions = {}): Buffer {
  const charset = options.charset ?? 'utf-8';
  const terminator = Buffer.from(options.terminator ?? '\r', 'latin1');
  const body = encodeText(encodeMessageBody(msg, options), charset);
  const errorDetection = options.errorDetection ?? msg.sequence !== undefined;
  if (!errorDetection) return Buffer.concat([body, terminator]);
  if (msg.sequence !== undefined && !/^[0-9]$/.test(String(msg.sequence))) {
    throw new Sip2EncodeError(`sequence must be one digit 0-9, got ${JSON.stringify(msg.sequence)}`);
  }
  return Buffer.concat([appendChecksum(body, msg.sequence), terminator]);
}

/** Typed constructor: `createMessage('99', { statusCode: '0', maxPrintWidth: '080', protocolVersion: '2.00' })`. */
export function createMessage<C extends Sip2MessageCode>(
  code: C,
  fixed: Sip2FixedFields<C>,
  fields: Sip2Fields = {},
  extra: { sequence?: string | number; unknown?: Sip2UnknownField[] } = {},
): Sip2Message<C> {
  const msg: Sip2Message<C> = { code, fixed, fields };
  if (extra.unknown) msg.unknown = extra.unknown;
  if (extra.sequence !== undefined) msg.sequence = String(extra.sequence);
  return msg;
}

/** Narrowing helper: `if (isMessage(m, '12')) m.fixed.renewalOk`. */
export function isMessage<C extends Sip2MessageCode>(
  msg: Sip2Message<Sip2MessageCode>,
  code: C,
): msg is Sip2Message<C> {
  return msg.code === code;
}

/** Narrow or throw: `asMessage(exchange.response, '94').fixed.ok`. Throws Sip2CodeMismatchError. */
export function asMessage<C extends Sip2MessageCode>(msg: Sip2Message<Sip2MessageCode>, code: C): Sip2Message<C> {
  if (msg.code !== code) throw new Sip2CodeMismatchError(code, msg.code);
  return msg as Sip2Message<C>;
}

export class Sip2CodeMismatchError extends Error {
  override readonly name = 'Sip2CodeMismatchError';
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`expected SIP2 message ${expected}, got ${actual}`);
  }
}

/** Human-readable lines (CLI, logs): message name, fixed fields, then "ID name: value" per field. */
export function describeMessage(msg: Sip2Message<Sip2MessageCode>): string[] {
  const spec: MessageSpec = MESSAGE_SPECS[msg.code];
  const lines = [`${msg.code} ${spec.name}`];
  const fixedValues = msg.fixed as Record<string, string>;
  for (const fs of spec.fixed as readonly FixedFieldSpec[])
    lines.push(`  ${fs.name}: ${JSON.stringify(fixedValues[fs.name])}`);
  const values = msg.fields as Record<string, string | string[] | undefined>;
  // Same order as on the wire: the message's own field list, then any other known field.
  for (const id of new Set<Sip2FieldId>([...spec.fields, ...FIELD_IDS])) {
    const v = values[FIELD_SPECS[id].name];
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) lines.push(`  ${id} ${FIELD_SPECS[id].name}: ${item}`);
  }
  for (const u of msg.unknown ?? []) lines.push(`  ${u.id} (unknown): ${u.value}`);
  if (msg.sequence !== undefined) lines.push(`  AY sequenceNumber: ${msg.sequence}`);
  if (msg.checksum !== undefined) lines.push(`  AZ checksum: ${msg.checksum}`);
  return lines;
}
