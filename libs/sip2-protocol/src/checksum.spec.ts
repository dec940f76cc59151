import { loadExamples } from '../test-fixtures/load-examples';
import {
  REQUEST_ACS_RESEND,
  REQUEST_SC_RESEND,
  buildAcsResend,
  buildScResend,
  checksumOfAscii,
  checksumOfBytes,
  findChecksumTrailer,
  hasErrorDetection,
  rechecksumForResend,
  verifyChecksum,
} from './checksum';
import { RetransmitCache } from './retransmit-cache';

const bytes = (s: string) => Buffer.from(s, 'utf8');

describe('checksum vectors from examples.txt', () => {
  const examples = loadExamples();

  it('loads the vector file', () => {
    expect(examples.length).toBeGreaterThanOrEqual(30);
    expect(examples.filter((e) => e.cks.startsWith('ok')).length).toBeGreaterThanOrEqual(10);
    expect(examples.filter((e) => e.cks.startsWith('BAD')).length).toBeGreaterThanOrEqual(6);
  });

  const plainOk = examples.filter(
    (e) => e.cks.startsWith('ok') && !e.cks.includes('raw bytes') && !e.cks.includes('code-point'),
  );
  it.each(plainOk.map((e) => [e.msg.toString('utf8'), e] as const))('verifies %s', (_, e) => {
    const v = verifyChecksum(e.msg);
    expect(v.status).toBe('valid');
    expect(v.method).toBe('byte-sum');
    const stated = /\(([0-9A-F]{4})\)/.exec(e.cks)?.[1];
    if (stated) expect(v.received).toBe(stated);
  });

  // The file stores this 3M V-series line NFC-normalised (é = C3 A9), but its NOTE says the kiosk sent
  // it DECOMPOSED (65 CC 81) and the checksum covers those bytes. Rebuild the wire bytes with NFD and
  // show that the NFC form does NOT verify (proof that we never normalise before verifying).
  const rawBytes = examples.filter((e) => e.cks.includes('raw bytes'));
  it('verifies the decomposed-UTF-8 V-series vector over its wire (NFD) bytes only', () => {
    expect(rawBytes).toHaveLength(1);
    const e = rawBytes[0];
    expect(e.note).toMatch(/DECOMPOSED/);
    const wire = Buffer.from(e.msg.toString('utf8').normalize('NFD'), 'utf8');
    expect(wire.includes(Buffer.from([0x65, 0xcc, 0x81]))).toBe(true);
    expect(verifyChecksum(wire).status).toBe('valid');
    expect(verifyChecksum(Buffer.from(e.msg.toString('utf8').normalize('NFC'))).expected).toBe('D898');
    expect(verifyChecksum(Buffer.from(e.msg.toString('utf8').normalize('NFC'))).status).toBe('invalid');
  });

  const codePoint = examples.filter((e) => e.cks.includes('code-point'));
  it('accepts the code-point-sum vendor vector only when allowCodePointSum is set', () => {
    expect(codePoint).toHaveLength(1);
    const e = codePoint[0];
    expect(verifyChecksum(e.msg)).toMatchObject({ status: 'invalid', expected: 'E58D', received: 'E5D1' });
    expect(verifyChecksum(e.msg, { allowCodePointSum: true })).toMatchObject({
      status: 'valid',
      method: 'code-point-sum',
    });
  });

  const bad = examples.filter((e) => e.cks.startsWith('BAD'));
  it.each(bad.map((e) => [e.msg.toString('utf8'), e] as const))('rejects known-bad %s', (_, e) => {
    const v = verifyChecksum(e.msg);
    expect(v.status).toBe('invalid');
    expect(verifyChecksum(e.msg, { allowCodePointSum: true }).status).toBe('invalid');
    const computed = /computed ([0-9A-F]{4})/.exec(e.cks)?.[1];
    if (computed) expect(v.expected).toBe(computed);
  });

  const none = examples.filter((e) => e.cks.startsWith('-'));
  it.each(none.map((e) => [e.msg.toString('utf8'), e] as const))('reports no AZ for %s', (_, e) => {
    expect(verifyChecksum(e.msg).status).toBe('absent');
    expect(hasErrorDetection(e.msg)).toBe(false);
  });
});

describe('checksum algorithm', () => {
  it('reproduces the 3M guide worked example (sum 0x034C -> FCB4)', () => {
    expect(checksumOfAscii('990 402.00AY1AZ')).toBe('FCB4');
    expect(checksumOfBytes(bytes('990 402.00AY1AZ'))).toBe('FCB4');
  });

  it('pads to 4 uppercase hex digits', () => {
    // sum 0xFFFF... -> small values must keep leading zeros
    const b = Buffer.alloc(257, 0xff); // sum 65535 -> two's complement 0x0001
    expect(checksumOfBytes(b)).toBe('0001');
    expect(checksumOfBytes(Buffer.alloc(0))).toBe('0000');
  });

  it('finds AY/AZ and tolerates a lowercase checksum and one trailing delimiter', () => {
    expect(findChecksumTrailer(bytes('941AY0AZFDFD'))).toMatchObject({
      sequence: '0',
      checksum: 'FDFD',
      azOffset: 6,
      start: 3,
    });
    expect(verifyChecksum(bytes('941AY0AZfdfd')).status).toBe('valid');
    expect(verifyChecksum(bytes('941AY0AZFDFD|')).status).toBe('valid');
    expect(findChecksumTrailer(bytes('96AZFEF6'))).toEqual({ checksum: 'FEF6', azOffset: 2, start: 2 });
    expect(findChecksumTrailer(bytes('941AY0AZFDFG'))).toBeUndefined();
  });

  it('resend constants verify and carry no AY', () => {
    expect(REQUEST_SC_RESEND).toBe('96AZFEF6');
    expect(REQUEST_ACS_RESEND).toBe('97AZFEF5');
    expect(buildScResend().toString('latin1')).toBe('96AZFEF6\r');
    expect(buildAcsResend().toString('latin1')).toBe('97AZFEF5\r');
    expect(buildAcsResend(false, '\r\n').toString('latin1')).toBe('97\r\n');
    expect(verifyChecksum(bytes(REQUEST_SC_RESEND)).status).toBe('valid');
    expect(verifyChecksum(bytes(REQUEST_SC_RESEND)).sequence).toBeUndefined();
  });

  it('detects the FOLIO corrupt-checksum request (server must answer 96AZFEF6)', () => {
    expect(verifyChecksum(bytes('9900401.00AY1AZAAAA')).status).toBe('invalid');
  });
});

describe('rechecksumForResend (97 handling)', () => {
  it('drops AY and recomputes AZ over the remaining bytes', () => {
    const out = rechecksumForResend(bytes('941AY0AZFDFD\r'));
    const text = out.toString('latin1');
    expect(text).toBe(`941AZ${checksumOfAscii('941AZ')}\r`);
    expect(verifyChecksum(out.subarray(0, -1)).status).toBe('valid');
    expect(verifyChecksum(out.subarray(0, -1)).sequence).toBeUndefined();
  });

  it('keeps non-ASCII bytes untouched and checksums them as bytes', () => {
    const body = Buffer.concat([
      bytes('18040201'),
      Buffer.from('20260101    000000AB1|AJ'),
      Buffer.from([0xcb, 0xae]),
      bytes('|'),
    ]);
    const withAy = Buffer.concat([body, bytes('AY7AZ'), bytes(checksumOfBytes(Buffer.concat([body, bytes('AY7AZ')])))]);
    expect(verifyChecksum(withAy).status).toBe('valid');
    const resent = rechecksumForResend(withAy, '\r\n');
    expect(resent.subarray(0, body.length).equals(body)).toBe(true);
    expect(resent.subarray(-2).toString('latin1')).toBe('\r\n');
    expect(verifyChecksum(resent.subarray(0, -2)).status).toBe('valid');
    expect(resent.includes(bytes('AY7'))).toBe(false);
  });

  it('returns responses sent without error detection unchanged', () => {
    expect(rechecksumForResend(bytes('941\r')).toString('latin1')).toBe('941\r');
  });
});

describe('RetransmitCache', () => {
  const req = bytes('11YN20260101    120000                  AOX|AAP1|ABI1|AC|AY3AZ');
  const checkout = Buffer.concat([req, bytes(checksumOfBytes(req))]);
  const response = bytes('121NNY20260101    120000AOX|AAP1|ABI1|AJT|AH|AY3AZ0000\r');

  it('replays the cached response for an identical AY+AZ retransmit, never otherwise', () => {
    const cache = new RetransmitCache();
    expect(cache.replayFor(checkout)).toBeUndefined();
    cache.remember(checkout, response);
    expect(cache.replayFor(checkout)).toEqual(response);
    expect(cache.replayFor(Buffer.concat([checkout, bytes('\r')]))).toEqual(response); // terminator ignored
    // next sequence number = a new transaction
    const next = bytes('11YN20260101    120000                  AOX|AAP1|ABI1|AC|AY4AZ');
    expect(cache.replayFor(Buffer.concat([next, bytes(checksumOfBytes(next))]))).toBeUndefined();
  });

  it('does not replay requests without error detection (cannot tell a retry from a new request)', () => {
    const cache = new RetransmitCache();
    const plain = bytes('9900302.00');
    cache.remember(plain, bytes('98...\r'));
    expect(cache.replayFor(plain)).toBeUndefined();
  });

  it('does not replay on an AY+AZ collision with different bytes', () => {
    const cache = new RetransmitCache();
    cache.remember(checkout, response);
    // same trailer, different body (contrived collision)
    const other = Buffer.from(checkout);
    other[5] = 0x41;
    expect(cache.replayFor(other)).toBeUndefined();
  });

  it('serves 97 from the last response without AY, and nothing before the first response', () => {
    const cache = new RetransmitCache();
    expect(cache.resendResponse()).toBeUndefined(); // caller must then send 96
    cache.remember(checkout, bytes('941AY3AZFDFA\r'));
    const resent = cache.resendResponse()!;
    expect(resent.toString('latin1')).toBe(`941AZ${checksumOfAscii('941AZ')}\r`);
    // a 97 is never a "retransmit" and does not replace the remembered request
    cache.remember(bytes('97AZFEF5'), resent);
    expect(cache.replayFor(bytes('97AZFEF5'))).toBeUndefined();
    expect(cache.lastResponse).toEqual(resent);
    expect(cache.replayFor(checkout)).toEqual(resent);
    cache.clear();
    expect(cache.lastResponse).toBeUndefined();
  });
});
