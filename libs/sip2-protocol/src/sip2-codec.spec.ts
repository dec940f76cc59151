import { loadExamples } from '../test-fixtures/load-examples';
import { verifyChecksum } from './checksum';
import { FIELD_SPECS, FieldSpec, Sip2Fields } from './field-spec';
import {
  FixedFieldSpec,
  MESSAGE_CODES,
  MESSAGE_SPECS,
  MessageSpec,
  Sip2MessageCode,
  fixedLength,
} from './message-spec';
import {
  AnySip2Message,
  Sip2EncodeError,
  Sip2Message,
  Sip2ParseError,
  createMessage,
  decodeFrame,
  describeMessage,
  encodeMessage,
  isMessage,
  parseMessage,
  tryParseMessage,
} from './sip2-codec';

const text = (b: Buffer) => b.toString('utf8');

/** A message of `code` with every fixed field and every listed field filled (repeatables twice). */
function sampleMessage(code: Sip2MessageCode, seq?: string): AnySip2Message {
  const spec: MessageSpec = MESSAGE_SPECS[code];
  const fixed: Record<string, string> = {};
  (spec.fixed as readonly FixedFieldSpec[]).forEach((fs, i) => {
    fixed[fs.name] = fs.length === 18 ? '20261125    083000' : String((i + 1) % 10).repeat(fs.length);
  });
  const fields: Record<string, string | string[]> = {};
  for (const id of spec.fields) {
    const fspec: FieldSpec = FIELD_SPECS[id];
    fields[fspec.name] = fspec.repeatable ? [`${id}-1`, `${id} two`] : `value ${id}`;
  }
  return createMessage(
    code,
    fixed as never,
    fields as Sip2Fields,
    seq === undefined ? {} : { sequence: seq },
  ) as AnySip2Message;
}

describe('message table', () => {
  it('declares all 16 request/response pairs plus 01 -> 24', () => {
    const requests = MESSAGE_CODES.filter((c) => MESSAGE_SPECS[c].direction === 'request');
    expect(requests.sort()).toEqual([
      '01',
      '09',
      '11',
      '15',
      '17',
      '19',
      '23',
      '25',
      '29',
      '35',
      '37',
      '63',
      '65',
      '93',
      '97',
      '99',
    ]);
    expect(MESSAGE_CODES).toHaveLength(31);
    for (const c of requests) {
      const resp = (MESSAGE_SPECS[c] as MessageSpec).responseCode;
      if (c === '97') expect(resp).toBeUndefined();
      else expect(MESSAGE_SPECS[resp as Sip2MessageCode].direction).toBe('response');
    }
    expect((MESSAGE_SPECS['01'] as MessageSpec).responseCode).toBe('24');
    expect(fixedLength('64')).toBe(14 + 3 + 18 + 6 * 4);
    expect(fixedLength('98')).toBe(6 + 3 + 3 + 18 + 4);
  });

  it('lists only known field ids', () => {
    for (const c of MESSAGE_CODES) {
      const spec: MessageSpec = MESSAGE_SPECS[c];
      for (const id of [...spec.fields, ...spec.required]) expect(FIELD_SPECS).toHaveProperty(id);
      for (const id of spec.required) expect(spec.fields).toContain(id);
    }
  });
});

describe('round trip parse -> encode -> parse for every message type', () => {
  it.each(MESSAGE_CODES)('%s', (code) => {
    const original = sampleMessage(code, '7');
    const wire = encodeMessage(original);
    expect(verifyChecksum(wire.subarray(0, -1)).status).toBe('valid');
    const parsed = parseMessage(text(wire));
    expect(parsed.code).toBe(code);
    expect(parsed.fixed).toEqual(original.fixed);
    expect(parsed.fields).toEqual(original.fields);
    expect(parsed.sequence).toBe('7');
    expect(parsed.unknown).toEqual([]);
    const again = encodeMessage(parsed);
    expect(again.equals(wire)).toBe(true);
    expect(parseMessage(text(again))).toEqual(parsed);
  });

  it.each(MESSAGE_CODES)('%s without error detection', (code) => {
    const original = sampleMessage(code);
    const wire = encodeMessage(original);
    expect(verifyChecksum(wire.subarray(0, -1)).status).toBe('absent');
    const parsed = parseMessage(text(wire));
    expect(parsed).toEqual({ ...original, unknown: [] });
  });
});

describe('parsing the public examples', () => {
  const examples = loadExamples();
  it.each(examples.map((e) => [text(e.msg).slice(0, 40), e] as const))('parses %s', (_, e) => {
    const r = tryParseMessage(text(e.msg));
    expect(r.ok).toBe(true);
  });

  it('reads the 3M V-series 18 with free-text AH, CS extension and AY/AZ', () => {
    const m = parseMessage(
      "1804020120110630    110249AB30007008637257|AJVie d'Isabelle Eberhardt |CK001|AQOSUL|APOSUL|BGOSUL|AH2011-10-28 23:59:59|CSPB LP   EAU|AY6AZDB4E",
    );
    if (!isMessage(m, '18')) throw new Error('expected 18');
    expect(m.fixed).toEqual({
      circulationStatus: '04',
      securityMarker: '02',
      feeType: '01',
      transactionDate: '20110630    110249',
    });
    expect(m.fields).toMatchObject({
      titleIdentifier: "Vie d'Isabelle Eberhardt ",
      dueDate: '2011-10-28 23:59:59',
      callNumber: 'PB LP   EAU',
    });
    expect(m.sequence).toBe('6');
    expect(m.checksum).toBe('DB4E');
  });

  it('keeps unknown vendor fields in order and values with trailing spaces', () => {
    const line = text(examples.find((e) => text(e.msg).includes('DG|DH|'))!.msg);
    const m = parseMessage(line);
    expect(m.code).toBe('64');
    expect(m.fields.institutionId).toBe('JL ');
    expect(m.fields.validPatron).toBe('Y');
    expect(m.unknown!.map((u) => u.id)).toEqual(['DG', 'DH', 'DI', 'DJ', 'DK', 'DL', 'PD']);
    expect(m.unknown![6]).toEqual({ id: 'PD', value: '11/15/2005' });
    expect(m.fields.patronClass).toBe('FRAN');
    if (m.code === '64') expect(m.fixed.chargedItemsCount).toBe('0002');
  });

  it('survives a stray delimiter after the fixed part and a missing final delimiter', () => {
    const hold = parseMessage(
      '15+20201013    093158|AOinstitution_id|AApatron_id|ABitem_id|ACterminal_password|AY0AZEC96',
    );
    expect(hold.fields).toMatchObject({
      institutionId: 'institution_id',
      patronIdentifier: 'patron_id',
      terminalPassword: 'terminal_password',
    });
    expect(hold.unknown).toEqual([]);
    const end = parseMessage('3520200717    192847AOinstitution_id|AApatron_identifier|ADpatron_pwd');
    expect(end.fields.patronPassword).toBe('patron_pwd');
  });

  it('reads repeatable fields as arrays and 63 BP/BQ', () => {
    const m = parseMessage('6300120171123    123051          AOJL|AATEST03|BP1|BQ5|AY0AZF25E');
    expect(m.fields).toEqual({ institutionId: 'JL', patronIdentifier: 'TEST03', startItem: '1', endItem: '5' });
    const r = parseMessage('66100020001' + '20260101    000000' + 'AOX|BMa|BMb|BNc|AFhello|AFworld|');
    expect(r.fields).toEqual({
      institutionId: 'X',
      renewedItems: ['a', 'b'],
      unrenewedItems: ['c'],
      screenMessage: ['hello', 'world'],
    });
  });

  it('does not mistake a barcode that looks like a checksum for AZ', () => {
    const m = parseMessage('1720060110    215612AOBR1|ABAZ1234|');
    expect(m.fields.itemIdentifier).toBe('AZ1234');
    expect(m.checksum).toBeUndefined();
    // after the framer collapsed the trailing delimiter away
    expect(parseMessage('1720060110    215612AOBR1|ABAZ1234').fields.itemIdentifier).toBe('AZ1234');
  });

  it('accepts AY/AZ sent as ordinary delimited fields', () => {
    const m = parseMessage('9300CNu|COp|AY5|AZEC7B|');
    expect(m.sequence).toBe('5');
    expect(m.checksum).toBe('EC7B');
    expect(m.unknown).toEqual([]);
  });

  it('strips a leading LF and trailing CR/LF', () => {
    expect(parseMessage('\n9910302.00\r\n').fixed).toEqual({
      statusCode: '1',
      maxPrintWidth: '030',
      protocolVersion: '2.00',
    });
  });
});

describe('malformed input gives Sip2ParseError, never a crash', () => {
  it.each([
    ['', 'empty'],
    ['\r\n', 'empty'],
    ['XX', 'invalid-code'],
    ['9', 'invalid-code'],
    ['42abc', 'unknown-code'],
    ['11YN2006', 'short-fixed'],
    ['64', 'short-fixed'],
    ['94AY0AZFDFD'.slice(0, 2), 'short-fixed'],
    ['6300020060329    201700AOBR1|AA999999|', 'invalid-fixed'], // summary missing
    ['9910\n02.00', 'invalid-fixed'],
  ])('%j -> %s', (input, reason) => {
    expect(() => parseMessage(input)).toThrow(Sip2ParseError);
    const r = tryParseMessage(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.reason).toBe(reason);
  });

  it('carries the code for known-but-short messages', () => {
    const r = tryParseMessage('12');
    expect(!r.ok && r.error.code).toBe('12');
  });

  it('random garbage never throws anything but Sip2ParseError', () => {
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const alphabet = '0123456789AYZ|  \r\nABCDEFé水';
    for (let i = 0; i < 2000; i++) {
      const prefix = MESSAGE_CODES[Math.floor(rand() * MESSAGE_CODES.length)];
      const len = Math.floor(rand() * 80);
      let s = rand() < 0.8 ? prefix : '';
      for (let k = 0; k < len; k++) s += alphabet[Math.floor(rand() * alphabet.length)];
      try {
        const m = parseMessage(s);
        encodeMessage({ ...m, sequence: undefined } as AnySip2Message, { emitRequired: false }); // parsed -> encodable
      } catch (err) {
        if (!(err instanceof Sip2ParseError)) throw err;
      }
    }
  });
});

describe('encoding', () => {
  it('produces the documented wire vectors byte for byte', () => {
    expect(
      text(
        encodeMessage(
          createMessage('99', { statusCode: '0', maxPrintWidth: ' 40', protocolVersion: '2.00' }, {}, { sequence: 1 }),
        ),
      ),
    ).toBe('990 402.00AY1AZFCB4\r');
    expect(text(encodeMessage(createMessage('94', { ok: '1' }, {}, { sequence: '0' })))).toBe('941AY0AZFDFD\r');
    expect(text(encodeMessage(createMessage('96', {}), { errorDetection: true }))).toBe('96AZFEF6\r');
    expect(text(encodeMessage(createMessage('97', {}), { errorDetection: true, terminator: '' }))).toBe('97AZFEF5');
    const login = createMessage(
      '93',
      { uidAlgorithm: '0', pwdAlgorithm: '0' },
      { loginUserId: 'user_id', loginPassword: 'passw0rd' },
      { sequence: 1 },
    );
    expect(text(encodeMessage(login))).toBe('9300CNuser_id|COpassw0rd|AY1AZF594\r');
    const login2 = createMessage(
      '93',
      { uidAlgorithm: '0', pwdAlgorithm: '0' },
      { loginUserId: 'LoginUserID', loginPassword: 'LoginPassword', locationCode: 'LocationCode' },
      { sequence: 5 },
    );
    expect(text(encodeMessage(login2))).toBe('9300CNLoginUserID|COLoginPassword|CPLocationCode|AY5AZEC7B\r');
  });

  it('emits fields in spec order (AP first in 09), required ones even when empty', () => {
    const checkin = createMessage(
      '09',
      { noBlock: 'N', transactionDate: '20060102    084236', returnDate: '20060113    084235' },
      {
        institutionId: 'BR1',
        itemIdentifier: '1565921879',
        currentLocation: 'Under the bed',
        terminalPassword: 'terminal password',
      },
    );
    expect(text(encodeMessage(checkin, { terminator: '' }))).toBe(
      '09N20060102    08423620060113    084235APUnder the bed|AOBR1|AB1565921879|ACterminal password|',
    );
    const failed = createMessage(
      '12',
      { ok: '0', renewalOk: 'N', magneticMedia: 'U', desensitize: 'N', transactionDate: '20260101    000000' },
      {
        institutionId: 'X',
        patronIdentifier: 'P',
        itemIdentifier: 'I',
        screenMessage: ['Item not found'],
      },
    );
    expect(text(encodeMessage(failed, { terminator: '' }))).toBe(
      '120NUN20260101    000000AOX|AAP|ABI|AJ|AH|AFItem not found|',
    );
    expect(text(encodeMessage(failed, { terminator: '', emitRequired: false }))).toBe(
      '120NUN20260101    000000AOX|AAP|ABI|AFItem not found|',
    );
  });

  it('escapes the delimiter, replaces CR/LF, caps values at 255 characters', () => {
    const long = '水'.repeat(300);
    const m = createMessage(
      '18',
      { circulationStatus: '03', securityMarker: '00', feeType: '01', transactionDate: '20260101    000000' },
      {
        itemIdentifier: 'a|b',
        titleIdentifier: 'line1\r\nline2',
        screenMessage: [long, '😀'.repeat(256)],
      },
    );
    const parsed = parseMessage(text(encodeMessage(m)));
    expect(parsed.fields.itemIdentifier).toBe('a&#124;b');
    expect(parsed.fields.titleIdentifier).toBe('line1  line2');
    expect(parsed.fields.screenMessage![0]).toBe('水'.repeat(255));
    expect(Array.from(parsed.fields.screenMessage![1])).toHaveLength(255); // no split surrogate pair
    expect(parsed.fields.screenMessage![1]).toBe('😀'.repeat(255));
  });

  it('supports a per-terminal delimiter', () => {
    const m = createMessage(
      '17',
      { transactionDate: '20260101    000000' },
      { institutionId: 'A^B', itemIdentifier: 'I1' },
      { sequence: 2 },
    );
    const wire = text(encodeMessage(m, { delimiter: '^' }));
    expect(wire).toBe(`1720260101    000000AOA&#94;B^ABI1^AY2AZ${wire.slice(-5, -1)}\r`);
    expect(parseMessage(wire, { delimiter: '^' }).fields).toEqual({ institutionId: 'A&#94;B', itemIdentifier: 'I1' });
  });

  it('re-emits unknown fields after known ones', () => {
    const m = parseMessage('2520060102    084238AOBR1|ZZvendor|AA999999|XYz|');
    expect(text(encodeMessage(m, { terminator: '' }))).toBe('2520060102    084238AOBR1|AA999999|ZZvendor|XYz|');
  });

  it('rejects wrong fixed widths and bad sequence numbers with Sip2EncodeError', () => {
    expect(() => encodeMessage(createMessage('94', { ok: '10' }))).toThrow(Sip2EncodeError);
    expect(() => encodeMessage({ code: '94', fixed: {}, fields: {} } as unknown as Sip2Message<'94'>)).toThrow(
      /ok missing/,
    );
    expect(() => encodeMessage(createMessage('94', { ok: '1' }, {}, { sequence: 12 }))).toThrow(Sip2EncodeError);
    expect(() => encodeMessage({ code: '42' } as unknown as AnySip2Message)).toThrow(Sip2EncodeError);
  });
});

describe('decodeFrame / describeMessage', () => {
  it('verifies on raw bytes then parses', () => {
    const r = decodeFrame(Buffer.from('9300CNLoginUserID|COLoginPassword|CPLocationCode|AY5AZEC78'), {
      charset: 'utf-8',
    });
    expect(r.checksum.status).toBe('invalid');
    expect(r.message.fields.loginUserId).toBe('LoginUserID');
  });

  it('describes fields by id and name', () => {
    const lines = describeMessage(parseMessage('941AY0AZFDFD'));
    expect(lines).toEqual(['94 loginResponse', '  ok: "1"', '  AY sequenceNumber: 0', '  AZ checksum: FDFD']);
    expect(describeMessage(parseMessage('2520060102    084238AOBR1|ZZv|'))).toContain('  AO institutionId: BR1');
  });
});
