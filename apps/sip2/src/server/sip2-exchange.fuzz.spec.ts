import fc from 'fast-check';
import {
  createMessage,
  decodeText,
  encodeMessage,
  parseMessage,
  SIP2_BLANK_DATE,
  stripTerminator,
} from '@app/sip2-protocol';
import { fuzzParams } from '@app/testing/fuzz';
import { fakeItem, fakePatron } from '../testing/fake-circulation.backend';
import { DATE, ExchangeHarness, terminal } from '../testing/sip2-exchange.harness';

/**
 * The SIP2 server's message path under fuzzing (issue 14): any frame, before or after login, is answered
 * with a well-formed SIP2 message or a deliberate hang-up — never an exception that would drop the kiosk.
 * Frames are random bytes, and valid messages with their fields replaced by random text.
 */
const params = fuzzParams(200);
const KSL = 'CN-320583-1-KSL';

const junkFrame = fc
  .array(fc.integer({ min: 0, max: 255 }), { maxLength: 400 })
  .map((a) => Buffer.from(a.filter((b) => b !== 0x0d)));
const text = fc.string({ maxLength: 60, unit: 'grapheme' }).map((s) => s.replace(/[|\r\n]/g, ''));
const mutatedMessage = fc
  .tuple(
    fc.constantFrom('23', '63', '11', '09', '29', '15', '17', '35', '37', '65', '01', '19', '99', '93'),
    text,
    text,
    text,
    fc.boolean(),
  )
  .map(([code, a, b, c, detect]) => {
    const base: Record<string, ReturnType<typeof createMessage>> = {
      '23': createMessage(
        '23',
        { language: '019', transactionDate: DATE },
        { institutionId: a, patronIdentifier: b, terminalPassword: '', patronPassword: c },
      ),
      '63': createMessage(
        '63',
        { language: '019', transactionDate: DATE, summary: 'Y         ' },
        { institutionId: KSL, patronIdentifier: b, patronPassword: c, startItem: a, endItem: c },
      ),
      '11': createMessage(
        '11',
        { scRenewalPolicy: 'N', noBlock: 'N', transactionDate: DATE, nbDueDate: SIP2_BLANK_DATE },
        { institutionId: a, patronIdentifier: b, itemIdentifier: c, terminalPassword: '', patronPassword: a },
      ),
      '09': createMessage(
        '09',
        { noBlock: 'N', transactionDate: DATE, returnDate: DATE },
        { currentLocation: a, institutionId: KSL, itemIdentifier: b, terminalPassword: '' },
      ),
      '29': createMessage(
        '29',
        { thirdPartyAllowed: 'N', noBlock: 'N', transactionDate: DATE, nbDueDate: SIP2_BLANK_DATE },
        { institutionId: KSL, patronIdentifier: a, itemIdentifier: b },
      ),
      '15': createMessage(
        '15',
        { holdMode: '+', transactionDate: DATE },
        { institutionId: KSL, patronIdentifier: a, itemIdentifier: b, expirationDate: c, pickupLocation: a },
      ),
      '17': createMessage('17', { transactionDate: DATE }, { institutionId: a, itemIdentifier: b }),
      '35': createMessage('35', { transactionDate: DATE }, { institutionId: KSL, patronIdentifier: a }),
      '37': createMessage(
        '37',
        { transactionDate: DATE, feeType: '01', paymentType: '00', currencyType: 'CNY' },
        { feeAmount: a, institutionId: KSL, patronIdentifier: b, feeIdentifier: c },
      ),
      '65': createMessage(
        '65',
        { transactionDate: DATE },
        { institutionId: KSL, patronIdentifier: a, patronPassword: b },
      ),
      '01': createMessage(
        '01',
        { cardRetained: 'N', transactionDate: DATE },
        { institutionId: KSL, patronIdentifier: a, blockedCardMessage: b },
      ),
      '19': createMessage(
        '19',
        { transactionDate: DATE },
        { institutionId: KSL, itemIdentifier: a, itemProperties: b },
      ),
      '99': createMessage('99', { statusCode: '0', maxPrintWidth: '080', protocolVersion: '2.00' }, {}),
      '93': createMessage(
        '93',
        { uidAlgorithm: '0', pwdAlgorithm: '0' },
        { loginUserId: a, loginPassword: b, locationCode: c },
      ),
    };
    return encodeMessage(
      { ...(base[code] as Parameters<typeof encodeMessage>[0]), sequence: '1' },
      { errorDetection: detect },
    );
  });

describe('SIP2 exchange under fuzzing', () => {
  it.each([false, true])('answers any frame with a SIP2 message or a hang-up (logged in: %s)', async (loggedIn) => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(junkFrame, mutatedMessage), { minLength: 1, maxLength: 6 }),
        async (frames) => {
          const h = new ExchangeHarness();
          h.accounts.add(terminal(), 'kiosk01-secret');
          h.backend.addPatron(fakePatron()).addItem(fakeItem());
          if (loggedIn) await h.login();
          for (const frame of frames) {
            const out = await h.raw(frame);
            if (out.close) return;
            if (!out.bytes) continue;
            expect(out.bytes[out.bytes.length - 1]).toBe(0x0d);
            const answer = parseMessage(decodeText(stripTerminator(out.bytes), 'utf-8'));
            expect(answer.code).toMatch(/^\d\d$/);
          }
        },
      ),
      params,
    );
  });
});
