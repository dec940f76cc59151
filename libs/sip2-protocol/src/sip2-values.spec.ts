import {
  UNKNOWN_PATRON_STATUS,
  count4,
  digits,
  escapeValue,
  formatMoney,
  formatPatronStatus,
  formatSummary,
  formatSupportedMessages,
  parseMoney,
  parsePatronStatus,
  parseSummary,
  parseSupportedMessages,
  parseYN,
  unescapeValue,
  yn,
} from './sip2-values';

describe('money', () => {
  it.each([
    [1250, '12.50'],
    [5, '0.05'],
    [0, '0.00'],
    [-1250, '-12.50'],
    [100000000, '1000000.00'],
    [10n ** 17n, '1000000000000000.00'],
  ])('formatMoney(%p) = %s', (fen, s) => expect(formatMoney(fen)).toBe(s));

  it('never uses locale formatting', () => {
    expect(formatMoney(123456789)).toBe('1234567.89');
    expect(() => formatMoney(12.5)).toThrow(RangeError);
  });

  it.each([
    ['12.50', 1250],
    ['12.5', 1250],
    ['12', 1200],
    ['0.0', 0],
    ['.5', 50],
    ['12,50', 1250],
    ['-3.00', -300],
    [' 7.10 ', 710],
    ['12.500', 1250],
    ['12.505', undefined],
    ['', undefined],
    ['abc', undefined],
    ['1.2.3', undefined],
    ['¥12', undefined],
  ])('parseMoney(%j) = %p', (s, fen) => expect(parseMoney(s)).toBe(fen));
});

describe('field value escaping', () => {
  it('entity-escapes the delimiter and strips CR/LF/NUL', () => {
    expect(escapeValue('a|b|c')).toBe('a&#124;b&#124;c');
    expect(escapeValue('a^b', { delimiter: '^' })).toBe('a&#94;b');
    expect(escapeValue('x\r\ny\0z')).toBe('x  yz');
    expect(unescapeValue('a&#124;b')).toBe('a|b');
  });

  it('caps at 255 characters on a code point boundary', () => {
    expect(escapeValue('x'.repeat(300))).toHaveLength(255);
    expect(escapeValue('施'.repeat(256))).toBe('施'.repeat(255));
    const emoji = escapeValue('😀'.repeat(300));
    expect(Array.from(emoji)).toHaveLength(255);
    expect(emoji.endsWith('😀')).toBe(true);
    expect(escapeValue('abc', { maxLength: 2 })).toBe('ab');
  });
});

describe('fixed field helpers', () => {
  it('yn / parseYN', () => {
    expect(yn(true) + yn(false)).toBe('YN');
    expect([parseYN('Y'), parseYN('n'), parseYN('1'), parseYN('U'), parseYN(' '), parseYN(undefined)]).toEqual([
      true,
      false,
      true,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('counts and digits', () => {
    expect(count4(3)).toBe('0003');
    expect(count4(123456)).toBe('9999');
    expect(count4(undefined)).toBe('    ');
    expect(digits(5, 3)).toBe('005');
    expect(digits(-1, 3)).toBe('000');
  });

  it('patron status (14 positions, Y = denied)', () => {
    const s = formatPatronStatus({ chargePrivilegesDenied: true, excessiveOutstandingFines: true });
    expect(s).toBe('Y         Y   ');
    expect(s).toHaveLength(14);
    expect(parsePatronStatus(s)).toMatchObject({
      chargePrivilegesDenied: true,
      renewalPrivilegesDenied: false,
      excessiveOutstandingFines: true,
    });
    expect(UNKNOWN_PATRON_STATUS).toBe('YYYY          ');
  });

  it('BX supported messages in spec order', () => {
    const all = formatSupportedMessages([
      '23',
      '11',
      '09',
      '01',
      '99',
      '97',
      '93',
      '63',
      '35',
      '37',
      '17',
      '19',
      '25',
      '15',
      '29',
      '65',
    ]);
    expect(all).toBe('Y'.repeat(16));
    const some = formatSupportedMessages(['99', '93', '11', '09']);
    expect(some).toBe('NYYNYNYNNNNNNNNN');
    expect(parseSupportedMessages(some)).toEqual(['11', '09', '99', '93']);
  });

  it('summary', () => {
    expect(formatSummary()).toBe(' '.repeat(10));
    expect(formatSummary('chargedItems')).toBe('  Y       ');
    expect(parseSummary('  Y       ')).toBe('chargedItems');
    expect(parseSummary('Y         ')).toBe('holdItems');
    expect(parseSummary('          ')).toBeUndefined();
  });
});
