import fc from 'fast-check';
import { fuzzParams } from '@app/testing/fuzz';
import { SIP2_CHARSETS } from './charset';
import { createMessage, decodeFrame, encodeMessage, parseMessage, Sip2ParseError } from './sip2-codec';
import { Sip2Framer } from './sip2-framer';

/**
 * Fuzzing the SIP2 framer and parser (issue 14): whatever bytes a kiosk or an attacker sends, framing
 * never throws, never buffers more than its limit and does not depend on how TCP split the stream;
 * parsing either yields a message or a Sip2ParseError, nothing else.
 */
const params = fuzzParams(300);
const MAX = 256;

/** bytes biased towards what matters to SIP2: CR, LF, '|', NUL, digits, field ids, high bytes */
const sipByte = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 255 }) },
  { weight: 2, arbitrary: fc.constantFrom(0x0d, 0x0a, 0x7c, 0x00, 0x41, 0x59, 0x5a, 0x39, 0x33) },
  { weight: 2, arbitrary: fc.integer({ min: 0x30, max: 0x39 }) },
);
const stream = fc.array(sipByte, { maxLength: 2000 }).map((a) => Buffer.from(a));

function frameAll(bytes: Buffer, cuts: number[]) {
  const f = new Sip2Framer({ maxFrameBytes: MAX });
  const events: unknown[] = [];
  let start = 0;
  for (const cut of [...cuts.filter((c) => c < bytes.length)].sort((a, b) => a - b)) {
    events.push(...f.push(bytes.subarray(start, cut)));
    expect(f.bufferedBytes).toBeLessThanOrEqual(MAX);
    start = cut;
  }
  events.push(...f.push(bytes.subarray(start)));
  expect(f.bufferedBytes).toBeLessThanOrEqual(MAX);
  return events.map((e) => JSON.stringify(e));
}

describe('SIP2 framer and parser under fuzzing', () => {
  it('frames any byte stream the same whatever the TCP splits, within the frame limit', () => {
    fc.assert(
      fc.property(stream, fc.array(fc.nat({ max: 2000 }), { maxLength: 30 }), (bytes, cuts) => {
        const whole = frameAll(bytes, []);
        expect(frameAll(bytes, cuts)).toEqual(whole);
        for (const e of whole.map((s) => JSON.parse(s) as { type: string; frame?: { data: number[] } })) {
          if (e.type === 'frame') expect(e.frame!.data.length).toBeLessThanOrEqual(MAX);
        }
      }),
      params,
    );
  });

  it('parses any text into a message or a Sip2ParseError', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 300, unit: 'grapheme' }),
      fc.string({ maxLength: 300, unit: 'binary' }),
      // a valid code and fixed-ish part, then junk: reaches the field and trailer code paths
      fc
        .tuple(
          fc.constantFrom('93', '99', '23', '63', '11', '09', '29', '15', '35', '17', '37', '65', '01', '19'),
          fc.string({ maxLength: 300 }),
        )
        .map(([c, rest]) => c + rest),
    );
    fc.assert(
      fc.property(text, fc.constantFrom('|', '^', '!'), (t, delimiter) => {
        try {
          parseMessage(t, { delimiter });
        } catch (err) {
          expect(err).toBeInstanceOf(Sip2ParseError);
        }
      }),
      params,
    );
  });

  it('decodes any frame in every charset into a message or a Sip2ParseError', () => {
    fc.assert(
      fc.property(stream, fc.constantFrom(...SIP2_CHARSETS), fc.boolean(), (bytes, charset, allowCodePointSum) => {
        try {
          decodeFrame(bytes, { charset, allowCodePointSum });
        } catch (err) {
          expect(err).toBeInstanceOf(Sip2ParseError);
        }
      }),
      params,
    );
  });

  it('round-trips any field value a kiosk can send (UTF-8 and GB18030)', () => {
    const value = fc.string({ maxLength: 40, unit: 'grapheme' }).filter((s) => !/[|\r\n\0]/.test(s));
    fc.assert(
      fc.property(value, value, fc.constantFrom('utf-8' as const, 'gb18030' as const), (patron, pin, charset) => {
        const msg = createMessage(
          '23',
          { language: '019', transactionDate: '20261125    100000' },
          { institutionId: 'CN-320583-1-KSL', patronIdentifier: patron, terminalPassword: '', patronPassword: pin },
        );
        const bytes = encodeMessage({ ...msg, sequence: '1' }, { charset, errorDetection: true });
        const decoded = decodeFrame(bytes.subarray(0, bytes.length - 1), { charset });
        expect(decoded.checksum.status).toBe('valid');
        // a value that does not survive the charset (e.g. emoji in GB18030 is fine, lone marks may fold) is still framed and parsed
        if (charset === 'utf-8')
          expect(decoded.message.fields).toMatchObject({ patronIdentifier: patron, patronPassword: pin });
      }),
      params,
    );
  });
});
