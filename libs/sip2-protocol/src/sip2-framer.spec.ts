import * as iconv from 'iconv-lite';
import { verifyChecksum } from './checksum';
import { decodeFrame, encodeMessage, createMessage } from './sip2-codec';
import { Sip2FrameEvent, Sip2Framer, cleanFrame } from './sip2-framer';

const b = (s: string) => Buffer.from(s, 'utf8');
const frames = (events: Sip2FrameEvent[]) =>
  events.map((e) => (e.type === 'frame' ? e.frame.toString('utf8') : `<oversized ${e.bytesSeen}>`));

describe('Sip2Framer', () => {
  it('reassembles a message split at every byte', () => {
    const f = new Sip2Framer();
    const wire = b('990 402.00AY1AZFCB4\r');
    const out: Sip2FrameEvent[] = [];
    for (const byte of wire) out.push(...f.push(Buffer.from([byte])));
    expect(frames(out)).toEqual(['990 402.00AY1AZFCB4']);
    expect(f.bufferedBytes).toBe(0);
  });

  it('splits several messages in one packet and keeps a trailing partial one', () => {
    const f = new Sip2Framer();
    expect(frames(f.push(b('941AY0AZFDFD\r9910302.00\r2520060102    0842')))).toEqual(['941AY0AZFDFD', '9910302.00']);
    expect(f.bufferedBytes).toBe(18);
    expect(frames(f.push(b('38AOBR1|AA999999|\r')))).toEqual(['2520060102    084238AOBR1|AA999999|']);
  });

  it('accepts CRLF terminators, a leading LF and ignores empty lines', () => {
    const f = new Sip2Framer();
    expect(frames(f.push(b('9910302.00\r\n941AY0AZFDFD\r\n')))).toEqual(['9910302.00', '941AY0AZFDFD']);
    expect(frames(f.push(b('\n\n9910302.00\r\r\r\n')))).toEqual(['9910302.00']);
    // CR and LF split across packets
    expect(frames(f.push(b('941\r')))).toEqual(['941']);
    expect(frames(f.push(b('\n940\r')))).toEqual(['940']);
  });

  it("collapses trailing '|||' junk to one delimiter and keeps the checksum verifiable", () => {
    const f = new Sip2Framer();
    expect(frames(f.push(b('2520060102    084238AOBR1|AA999999||||\r')))).toEqual([
      '2520060102    084238AOBR1|AA999999|',
    ]);
    const [ev] = f.push(b('941AY0AZFDFD|||\r'));
    expect(ev.type === 'frame' && verifyChecksum(ev.frame).status).toBe('valid');
    // spaces at the end are data (63 with a blank summary and no fields)
    expect(frames(f.push(b('6300020060329    201700          \r')))).toEqual(['6300020060329    201700          ']);
  });

  it('treats a bare LF as terminator only when configured', () => {
    expect(frames(new Sip2Framer().push(b('941\n940\r')))).toEqual(['941\n940']);
    expect(frames(new Sip2Framer({ lfIsTerminator: true }).push(b('941\n940\r\n')))).toEqual(['941', '940']);
  });

  it('reports an oversized frame, discards it up to the terminator, then recovers', () => {
    const f = new Sip2Framer({ maxFrameBytes: 32 });
    const out = f.push(b('9910302.00\r' + 'X'.repeat(20)));
    expect(frames(out)).toEqual(['9910302.00']);
    const over = f.push(b('Y'.repeat(20)));
    expect(frames(over)).toEqual(['<oversized 40>']);
    expect(f.bufferedBytes).toBe(0);
    expect(f.push(b('Z'.repeat(1000)))).toEqual([]); // still discarding, silently
    expect(frames(f.push(b('ZZ\r941AY0AZFDFD\r')))).toEqual(['941AY0AZFDFD']);
  });

  it('never buffers more than maxFrameBytes, even for megabytes without a terminator', () => {
    const f = new Sip2Framer({ maxFrameBytes: 4096 });
    let oversized = 0;
    const chunk = Buffer.alloc(65536, 0x41);
    for (let i = 0; i < 32; i++) {
      oversized += f.push(chunk).filter((e) => e.type === 'oversized').length;
      expect(f.bufferedBytes).toBeLessThanOrEqual(4096);
    }
    expect(oversized).toBe(1);
  });

  it('accepts a frame of exactly maxFrameBytes', () => {
    const f = new Sip2Framer({ maxFrameBytes: 10 });
    expect(frames(f.push(b('9910302.00\r')))).toEqual(['9910302.00']);
    expect(frames(f.push(b('9910302.001\r')))).toEqual(['<oversized 11>']);
  });

  it('copies input (callers may reuse their buffers)', () => {
    const f = new Sip2Framer();
    const buf = b('941');
    f.push(buf);
    buf.fill(0x30);
    expect(frames(f.push(b('\r')))).toEqual(['941']);
  });

  it('frames GB18030 safely even when a character contains the byte 0x7C', () => {
    // Find a GB18030 character whose trail byte is '|' (0x7C): splitting fields on raw bytes would break it.
    let tricky = '';
    for (let cp = 0x4e00; cp < 0x9fff && !tricky; cp++) {
      const enc = iconv.encode(String.fromCodePoint(cp), 'gb18030');
      if (enc.length === 2 && enc[1] === 0x7c) tricky = String.fromCodePoint(cp);
    }
    expect(tricky).not.toBe('');
    const title = `《水浒传》${tricky}`;
    const wire = encodeMessage(
      createMessage(
        '18',
        { circulationStatus: '03', securityMarker: '00', feeType: '01', transactionDate: '20261125    083000' },
        { itemIdentifier: 'KS0001', titleIdentifier: title },
        { sequence: 1 },
      ),
      { charset: 'gb18030' },
    );
    const f = new Sip2Framer();
    const out: Sip2FrameEvent[] = [];
    for (let i = 0; i < wire.length; i += 3) out.push(...f.push(wire.subarray(i, i + 3)));
    expect(out).toHaveLength(1);
    const ev = out[0];
    if (ev.type !== 'frame') throw new Error('expected frame');
    const decoded = decodeFrame(ev.frame, { charset: 'gb18030' });
    expect(decoded.checksum.status).toBe('valid');
    expect(decoded.message.fields.titleIdentifier).toBe(title);
  });
});

describe('cleanFrame', () => {
  it.each([
    ['\n941', '941'],
    ['\x00\n941\n', '941'],
    ['941|||', '941|'],
    ['941|', '941|'],
    ['||', ''],
    ['', ''],
  ])('%j -> %j', (input, expected) => {
    expect(cleanFrame(Buffer.from(input, 'latin1')).toString('latin1')).toBe(expected);
  });
});
