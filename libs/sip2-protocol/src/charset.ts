// Per-terminal character sets. The checksum is computed over the bytes produced here, so every
// outbound message must be encoded through encodeText() before checksumming.
import * as iconv from 'iconv-lite';

export type Sip2Charset = 'utf-8' | 'gb18030' | 'cp850' | 'ascii';
export const SIP2_CHARSETS: readonly Sip2Charset[] = ['utf-8', 'gb18030', 'cp850', 'ascii'];

const ALIASES: Record<string, Sip2Charset> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  gb18030: 'gb18030',
  gbk: 'gb18030',
  gb2312: 'gb18030',
  cp936: 'gb18030',
  cp850: 'cp850',
  ibm850: 'cp850',
  'ibm-850': 'cp850',
  '850': 'cp850',
  ascii: 'ascii',
  'us-ascii': 'ascii',
};

/** Maps config spellings (UTF8, GBK, IBM850, US-ASCII...) to a Sip2Charset; undefined if unsupported. */
export function normalizeCharset(name: string): Sip2Charset | undefined {
  return ALIASES[name.trim().toLowerCase()];
}

export function isSip2Charset(name: string): name is Sip2Charset {
  return (SIP2_CHARSETS as readonly string[]).includes(name);
}

// Letters that NFD does not decompose into base + mark.
const ASCII_SPECIALS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  Æ: 'AE',
  œ: 'oe',
  Œ: 'OE',
  ø: 'o',
  Ø: 'O',
  đ: 'd',
  Đ: 'D',
  ł: 'l',
  Ł: 'L',
  þ: 'th',
  Þ: 'Th',
  ð: 'd',
  Ð: 'D',
  ı: 'i',
  '\u2018': "'",
  '\u2019': "'",
  '\u201C': '"',
  '\u201D': '"',
  '\u2013': '-',
  '\u2014': '-',
  '\u2026': '...',
  '\u00A0': ' ',
};

/** Accent folding as Evergreen does for `ascii` accounts: NFD, drop combining marks, rest -> '?'. */
export function foldToAscii(text: string): string {
  return (
    text
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      // eslint-disable-next-line no-control-regex -- the ASCII range starts at NUL
      .replace(/[^\x00-\x7F]/gu, (ch) => ASCII_SPECIALS[ch] ?? '?')
  );
}

const cp850Cache = new Map<string, boolean>();
function cp850Encodable(ch: string): boolean {
  let ok = cp850Cache.get(ch);
  if (ok === undefined) {
    ok = iconv.decode(iconv.encode(ch, 'cp850'), 'cp850') === ch;
    cp850Cache.set(ch, ok);
  }
  return ok;
}

// CP850 has precomposed accents only: compose first, then fold what it cannot represent.
function toCp850Text(text: string): string {
  // eslint-disable-next-line no-control-regex -- the ASCII range starts at NUL
  return text.normalize('NFC').replace(/[^\x00-\x7F]/gu, (ch) => {
    if (cp850Encodable(ch)) return ch;
    const folded = foldToAscii(ch);
    return folded;
  });
}

export function encodeText(text: string, charset: Sip2Charset): Buffer {
  switch (charset) {
    case 'utf-8':
      return Buffer.from(text, 'utf8');
    case 'gb18030':
      return iconv.encode(text, 'gb18030');
    case 'cp850':
      return iconv.encode(toCp850Text(text), 'cp850');
    case 'ascii':
      return Buffer.from(foldToAscii(text), 'latin1');
  }
}

/** Decodes a verified frame. 'ascii' terminals are decoded as UTF-8 (a superset) so stray UTF-8 survives. */
export function decodeText(bytes: Uint8Array, charset: Sip2Charset): string {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (charset) {
    case 'utf-8':
    case 'ascii':
      return buf.toString('utf8');
    case 'gb18030':
      return iconv.decode(buf, 'gb18030');
    case 'cp850':
      return iconv.decode(buf, 'cp850');
  }
}
