import { encodeText, decodeText, foldToAscii, normalizeCharset, SIP2_CHARSETS, Sip2Charset } from './charset';
import { checksumOfBytes, verifyChecksum } from './checksum';
import { createMessage, decodeFrame, encodeMessage } from './sip2-codec';

const TITLE = '《水浒传》';
const AUTHOR = '施耐庵';

function item18(title: string, author: string) {
  return createMessage(
    '18',
    { circulationStatus: '03', securityMarker: '00', feeType: '01', transactionDate: '20261125    083000' },
    { itemIdentifier: 'KS0001', titleIdentifier: `${title} ${author}`, screenMessage: [`作者：${author}`] },
    { sequence: 4 },
  );
}
function patron24(name: string) {
  return createMessage(
    '24',
    { patronStatus: ' '.repeat(14), language: '000', transactionDate: '20261125    083000' },
    { institutionId: 'CN-320583-1-KSL', patronIdentifier: 'P001', personalName: name, validPatron: 'Y' },
    { sequence: 5 },
  );
}

/** encode -> raw frame (no CR) -> checksum over bytes -> decode */
function roundTrip(msg: ReturnType<typeof item18> | ReturnType<typeof patron24>, charset: Sip2Charset) {
  const wire = encodeMessage(msg, { charset });
  const frame = wire.subarray(0, -1);
  const az = frame.lastIndexOf('AZ');
  expect(frame.subarray(az + 2).toString('latin1')).toBe(checksumOfBytes(frame, 0, az + 2));
  const decoded = decodeFrame(frame, { charset });
  expect(decoded.checksum.status).toBe('valid');
  return { frame, message: decoded.message };
}

describe('GB18030 (covers GBK/GB2312)', () => {
  it('round-trips 《水浒传》 施耐庵 in titles and names, checksum over GB18030 bytes', () => {
    const { frame, message } = roundTrip(item18(TITLE, AUTHOR), 'gb18030');
    expect(message.fields.titleIdentifier).toBe(`${TITLE} ${AUTHOR}`);
    expect(message.fields.screenMessage).toEqual([`作者：${AUTHOR}`]);
    // 2 bytes per Han character in GB18030 (not UTF-8's 3)
    expect(frame.includes(Buffer.from([0xca, 0xa9, 0xc4, 0xcd, 0xe2, 0xd6]))).toBe(true); // 施耐庵
    const p = roundTrip(patron24('施耐庵'), 'gb18030').message;
    expect(p.fields.personalName).toBe('施耐庵');
  });

  it('differs from the UTF-8 checksum for the same text', () => {
    const g = encodeMessage(item18(TITLE, AUTHOR), { charset: 'gb18030' });
    const u = encodeMessage(item18(TITLE, AUTHOR), { charset: 'utf-8' });
    expect(g.subarray(-5, -1).toString()).not.toBe(u.subarray(-5, -1).toString());
  });

  it('handles GB18030 four-byte characters (outside GBK)', () => {
    const s = '𠀀䶵€';
    expect(decodeText(encodeText(s, 'gb18030'), 'gb18030')).toBe(s);
  });
});

describe('UTF-8', () => {
  it('round-trips Chinese titles and names', () => {
    const { frame, message } = roundTrip(item18(TITLE, AUTHOR), 'utf-8');
    expect(message.fields.titleIdentifier).toBe(`${TITLE} ${AUTHOR}`);
    expect(frame.includes(Buffer.from(AUTHOR, 'utf8'))).toBe(true);
    expect(roundTrip(patron24('Éléonore 施'), 'utf-8').message.fields.personalName).toBe('Éléonore 施');
  });
});

describe('CP850 (spec default)', () => {
  it('round-trips Western accents as single bytes', () => {
    const name = 'Müller, Éléonore Ñúñez Ø';
    const { frame, message } = roundTrip(patron24(name), 'cp850');
    expect(message.fields.personalName).toBe(name);
    expect(frame.includes(Buffer.from([0x81]))).toBe(true); // ü in CP850
  });

  it('composes decomposed input and folds/replaces what CP850 lacks', () => {
    expect(decodeText(encodeText('e\u0301', 'cp850'), 'cp850')).toBe('é');
    expect(decodeText(encodeText('ő', 'cp850'), 'cp850')).toBe('o'); // not in CP850 -> folded
    expect(decodeText(encodeText(`${TITLE}${AUTHOR}`, 'cp850'), 'cp850')).toBe('????????');
    const { message } = roundTrip(item18(TITLE, AUTHOR), 'cp850');
    expect(message.fields.titleIdentifier).toBe('????? ???');
  });
});

describe('ASCII (accent folding)', () => {
  it('folds like Evergreen: NFD, drop marks, rest -> ?', () => {
    expect(foldToAscii('béè♁ts')).toBe('bee?ts');
    expect(foldToAscii('Crème brûlée, Ångström, Straße, Œuvre')).toBe('Creme brulee, Angstrom, Strasse, OEuvre');
    expect(foldToAscii('😀')).toBe('?'); // one ? per character, not per UTF-16 unit
    expect(encodeText(`${TITLE} ${AUTHOR}`, 'ascii').toString('latin1')).toBe('????? ???');
  });

  it('round-trips through the codec with a valid checksum', () => {
    const { frame, message } = roundTrip(patron24('Zoë Ødegård 施耐庵'), 'ascii');
    expect(message.fields.personalName).toBe('Zoe Odegard ???');
    expect(frame.every((byte) => byte < 0x80)).toBe(true);
  });
});

describe('charset names', () => {
  it('normalises config spellings', () => {
    expect(normalizeCharset('UTF8')).toBe('utf-8');
    expect(normalizeCharset('GBK')).toBe('gb18030');
    expect(normalizeCharset('GB2312')).toBe('gb18030');
    expect(normalizeCharset('IBM850')).toBe('cp850');
    expect(normalizeCharset('US-ASCII')).toBe('ascii');
    expect(normalizeCharset('latin9')).toBeUndefined();
    expect(SIP2_CHARSETS).toEqual(['utf-8', 'gb18030', 'cp850', 'ascii']);
  });

  it('verifies checksums on bytes for every charset', () => {
    for (const cs of SIP2_CHARSETS) {
      const wire = encodeMessage(item18('Café 水', 'x'), { charset: cs });
      expect(verifyChecksum(wire.subarray(0, -1)).status).toBe('valid');
    }
  });
});
