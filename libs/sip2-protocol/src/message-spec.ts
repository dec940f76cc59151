// SIP2 2.00 message set declared as data (pysip2 spec.py style), from PROTOCOL.md §1.4.
// `fixed` lists the fixed-length fields in wire order; `fields` lists the variable field ids this
// message carries, in the order the encoder emits them; `required` are always emitted (even empty).
// The codec is driven entirely by this table: add a message here, not in the parser.
import type { Sip2FieldId } from './field-spec';

export interface FixedFieldSpec {
  readonly name: string;
  readonly length: number;
}

export type Sip2Direction = 'request' | 'response'; // request = SC -> ACS, response = ACS -> SC

export interface MessageSpec {
  readonly code: string;
  readonly name: string;
  readonly direction: Sip2Direction;
  /** Code of the ACS reply to this request (undefined for responses and for 97, which replays). */
  readonly responseCode?: string;
  readonly fixed: readonly FixedFieldSpec[];
  readonly fields: readonly Sip2FieldId[];
  readonly required: readonly Sip2FieldId[];
}

const f = <N extends string, L extends number>(name: N, length: L) => ({ name, length }) as const;
const DATE = 18;

export const MESSAGE_SPECS = {
  '93': {
    code: '93',
    name: 'login',
    direction: 'request',
    responseCode: '94',
    fixed: [f('uidAlgorithm', 1), f('pwdAlgorithm', 1)],
    fields: ['CN', 'CO', 'CP'],
    required: ['CN', 'CO'],
  },
  '94': { code: '94', name: 'loginResponse', direction: 'response', fixed: [f('ok', 1)], fields: [], required: [] },
  '99': {
    code: '99',
    name: 'scStatus',
    direction: 'request',
    responseCode: '98',
    fixed: [f('statusCode', 1), f('maxPrintWidth', 3), f('protocolVersion', 4)],
    fields: [],
    required: [],
  },
  '98': {
    code: '98',
    name: 'acsStatus',
    direction: 'response',
    fixed: [
      f('onlineStatus', 1),
      f('checkinOk', 1),
      f('checkoutOk', 1),
      f('acsRenewalPolicy', 1),
      f('statusUpdateOk', 1),
      f('offlineOk', 1),
      f('timeoutPeriod', 3),
      f('retriesAllowed', 3),
      f('dateTimeSync', DATE),
      f('protocolVersion', 4),
    ],
    fields: ['AO', 'AM', 'BX', 'AN', 'AF', 'AG'],
    required: ['AO', 'BX'],
  },
  '97': { code: '97', name: 'requestAcsResend', direction: 'request', fixed: [], fields: [], required: [] },
  '96': { code: '96', name: 'requestScResend', direction: 'response', fixed: [], fields: [], required: [] },
  '23': {
    code: '23',
    name: 'patronStatusRequest',
    direction: 'request',
    responseCode: '24',
    fixed: [f('language', 3), f('transactionDate', DATE)],
    fields: ['AO', 'AA', 'AC', 'AD'],
    required: ['AO', 'AA', 'AC', 'AD'],
  },
  '24': {
    code: '24',
    name: 'patronStatusResponse',
    direction: 'response',
    fixed: [f('patronStatus', 14), f('language', 3), f('transactionDate', DATE)],
    fields: ['AO', 'AA', 'AE', 'BL', 'CQ', 'BH', 'BV', 'BD', 'BE', 'BF', 'AF', 'AG'],
    required: ['AO', 'AA', 'AE'],
  },
  '63': {
    code: '63',
    name: 'patronInformation',
    direction: 'request',
    responseCode: '64',
    fixed: [f('language', 3), f('transactionDate', DATE), f('summary', 10)],
    fields: ['AO', 'AA', 'AC', 'AD', 'BP', 'BQ'],
    required: ['AO', 'AA'],
  },
  '64': {
    code: '64',
    name: 'patronInformationResponse',
    direction: 'response',
    fixed: [
      f('patronStatus', 14),
      f('language', 3),
      f('transactionDate', DATE),
      f('holdItemsCount', 4),
      f('overdueItemsCount', 4),
      f('chargedItemsCount', 4),
      f('fineItemsCount', 4),
      f('recallItemsCount', 4),
      f('unavailableHoldsCount', 4),
    ],
    fields: [
      'AO',
      'AA',
      'AE',
      'BZ',
      'CA',
      'CB',
      'BL',
      'CQ',
      'BH',
      'BV',
      'CC',
      'AS',
      'AT',
      'AU',
      'AV',
      'BU',
      'CD',
      'BD',
      'BE',
      'BF',
      'AQ',
      'PA',
      'PB',
      'PC',
      'AF',
      'AG',
    ],
    required: ['AO', 'AA', 'AE'],
  },
  '11': {
    code: '11',
    name: 'checkout',
    direction: 'request',
    responseCode: '12',
    fixed: [f('scRenewalPolicy', 1), f('noBlock', 1), f('transactionDate', DATE), f('nbDueDate', DATE)],
    fields: ['AO', 'AA', 'AB', 'AC', 'CH', 'AD', 'BO', 'BI'],
    required: ['AO', 'AA', 'AB', 'AC'],
  },
  '12': {
    code: '12',
    name: 'checkoutResponse',
    direction: 'response',
    fixed: [f('ok', 1), f('renewalOk', 1), f('magneticMedia', 1), f('desensitize', 1), f('transactionDate', DATE)],
    fields: ['AO', 'AA', 'AB', 'AJ', 'AH', 'BT', 'CI', 'BH', 'BV', 'CK', 'CH', 'BK', 'BL', 'CQ', 'AF', 'AG'],
    required: ['AO', 'AA', 'AB', 'AJ', 'AH'],
  },
  '09': {
    code: '09',
    name: 'checkin',
    direction: 'request',
    responseCode: '10',
    fixed: [f('noBlock', 1), f('transactionDate', DATE), f('returnDate', DATE)],
    fields: ['AP', 'AO', 'AB', 'AC', 'CH', 'BI'],
    required: ['AP', 'AO', 'AB', 'AC'],
  },
  '10': {
    code: '10',
    name: 'checkinResponse',
    direction: 'response',
    fixed: [f('ok', 1), f('resensitize', 1), f('magneticMedia', 1), f('alert', 1), f('transactionDate', DATE)],
    fields: ['AO', 'AB', 'AQ', 'AJ', 'CL', 'AA', 'CK', 'CH', 'CR', 'CS', 'CT', 'CV', 'CY', 'DA', 'AF', 'AG'],
    required: ['AO', 'AB', 'AQ'],
  },
  '01': {
    code: '01',
    name: 'blockPatron',
    direction: 'request',
    responseCode: '24',
    fixed: [f('cardRetained', 1), f('transactionDate', DATE)],
    fields: ['AO', 'AL', 'AA', 'AC'],
    required: ['AO', 'AL', 'AA', 'AC'],
  },
  '35': {
    code: '35',
    name: 'endPatronSession',
    direction: 'request',
    responseCode: '36',
    fixed: [f('transactionDate', DATE)],
    fields: ['AO', 'AA', 'AC', 'AD'],
    required: ['AO', 'AA'],
  },
  '36': {
    code: '36',
    name: 'endSessionResponse',
    direction: 'response',
    fixed: [f('endSession', 1), f('transactionDate', DATE)],
    fields: ['AO', 'AA', 'AF', 'AG'],
    required: ['AO', 'AA'],
  },
  '37': {
    code: '37',
    name: 'feePaid',
    direction: 'request',
    responseCode: '38',
    fixed: [f('transactionDate', DATE), f('feeType', 2), f('paymentType', 2), f('currencyType', 3)],
    fields: ['BV', 'AO', 'AA', 'AC', 'AD', 'CG', 'BK'],
    required: ['BV', 'AO', 'AA'],
  },
  '38': {
    code: '38',
    name: 'feePaidResponse',
    direction: 'response',
    fixed: [f('paymentAccepted', 1), f('transactionDate', DATE)],
    fields: ['AO', 'AA', 'BK', 'AF', 'AG'],
    required: ['AO', 'AA'],
  },
  '17': {
    code: '17',
    name: 'itemInformation',
    direction: 'request',
    responseCode: '18',
    fixed: [f('transactionDate', DATE)],
    fields: ['AO', 'AB', 'AC'],
    required: ['AO', 'AB'],
  },
  '18': {
    code: '18',
    name: 'itemInformationResponse',
    direction: 'response',
    fixed: [f('circulationStatus', 2), f('securityMarker', 2), f('feeType', 2), f('transactionDate', DATE)],
    fields: [
      'AB',
      'AJ',
      'CF',
      'AH',
      'CJ',
      'CM',
      'BG',
      'BH',
      'BV',
      'CK',
      'AQ',
      'AP',
      'CH',
      'CR',
      'CS',
      'CT',
      'AF',
      'AG',
    ],
    required: ['AB', 'AJ'],
  },
  '19': {
    code: '19',
    name: 'itemStatusUpdate',
    direction: 'request',
    responseCode: '20',
    fixed: [f('transactionDate', DATE)],
    fields: ['AO', 'AB', 'AC', 'CH'],
    required: ['AO', 'AB', 'CH'],
  },
  '20': {
    code: '20',
    name: 'itemStatusUpdateResponse',
    direction: 'response',
    fixed: [f('itemPropertiesOk', 1), f('transactionDate', DATE)],
    fields: ['AB', 'AJ', 'CH', 'AF', 'AG'],
    required: ['AB'],
  },
  '25': {
    code: '25',
    name: 'patronEnable',
    direction: 'request',
    responseCode: '26',
    fixed: [f('transactionDate', DATE)],
    fields: ['AO', 'AA', 'AC', 'AD'],
    required: ['AO', 'AA'],
  },
  '26': {
    code: '26',
    name: 'patronEnableResponse',
    direction: 'response',
    fixed: [f('patronStatus', 14), f('language', 3), f('transactionDate', DATE)],
    fields: ['AO', 'AA', 'AE', 'BL', 'CQ', 'AF', 'AG'],
    required: ['AO', 'AA', 'AE'],
  },
  '15': {
    code: '15',
    name: 'hold',
    direction: 'request',
    responseCode: '16',
    fixed: [f('holdMode', 1), f('transactionDate', DATE)],
    fields: ['BW', 'BS', 'BY', 'AO', 'AA', 'AD', 'AB', 'AJ', 'AC', 'BO'],
    required: ['AO', 'AA'],
  },
  '16': {
    code: '16',
    name: 'holdResponse',
    direction: 'response',
    fixed: [f('ok', 1), f('available', 1), f('transactionDate', DATE)],
    fields: ['BW', 'BR', 'BS', 'AO', 'AA', 'AB', 'AJ', 'AF', 'AG'],
    required: ['AO', 'AA'],
  },
  '29': {
    code: '29',
    name: 'renew',
    direction: 'request',
    responseCode: '30',
    fixed: [f('thirdPartyAllowed', 1), f('noBlock', 1), f('transactionDate', DATE), f('nbDueDate', DATE)],
    fields: ['AO', 'AA', 'AD', 'AB', 'AJ', 'AC', 'CH', 'BO'],
    required: ['AO', 'AA'],
  },
  '30': {
    code: '30',
    name: 'renewResponse',
    direction: 'response',
    fixed: [f('ok', 1), f('renewalOk', 1), f('magneticMedia', 1), f('desensitize', 1), f('transactionDate', DATE)],
    fields: ['AO', 'AA', 'AB', 'AJ', 'AH', 'BT', 'CI', 'BH', 'BV', 'CK', 'CH', 'BK', 'AF', 'AG'],
    required: ['AO', 'AA', 'AB', 'AJ', 'AH'],
  },
  '65': {
    code: '65',
    name: 'renewAll',
    direction: 'request',
    responseCode: '66',
    fixed: [f('transactionDate', DATE)],
    fields: ['AO', 'AA', 'AD', 'AC', 'BO'],
    required: ['AO', 'AA'],
  },
  '66': {
    code: '66',
    name: 'renewAllResponse',
    direction: 'response',
    fixed: [f('ok', 1), f('renewedCount', 4), f('unrenewedCount', 4), f('transactionDate', DATE)],
    fields: ['AO', 'BM', 'BN', 'AF', 'AG'],
    required: ['AO'],
  },
} as const satisfies Record<string, MessageSpec>;

export type Sip2MessageCode = keyof typeof MESSAGE_SPECS;
export type Sip2MessageName = (typeof MESSAGE_SPECS)[Sip2MessageCode]['name'];
export type Sip2FixedFieldName<C extends Sip2MessageCode> = (typeof MESSAGE_SPECS)[C]['fixed'][number]['name'];
/** Fixed fields of message C, keyed by name; each value is the exact-width wire string. */
// Distributive, so Sip2FixedFields<'11' | '12'> is a union of the two records (not one record with all names).
export type Sip2FixedFields<C extends Sip2MessageCode> = C extends Sip2MessageCode
  ? { [N in Sip2FixedFieldName<C>]: string }
  : never;

export type Sip2RequestCode = {
  [C in Sip2MessageCode]: (typeof MESSAGE_SPECS)[C]['direction'] extends 'request' ? C : never;
}[Sip2MessageCode];
export type Sip2ResponseCode = Exclude<Sip2MessageCode, Sip2RequestCode>;

export const MESSAGE_CODES = Object.keys(MESSAGE_SPECS) as Sip2MessageCode[];

export function isMessageCode(code: string): code is Sip2MessageCode {
  return Object.prototype.hasOwnProperty.call(MESSAGE_SPECS, code);
}

export function getMessageSpec(code: Sip2MessageCode): MessageSpec {
  return MESSAGE_SPECS[code];
}

/** Total width of the fixed part (excluding the 2-char code). */
export function fixedLength(code: Sip2MessageCode): number {
  return (MESSAGE_SPECS[code].fixed as readonly FixedFieldSpec[]).reduce((n, s) => n + s.length, 0);
}

/** BX "supported messages" order (16 positions), PROTOCOL.md §1.4 notes. */
export const SUPPORTED_MESSAGES_ORDER = [
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
] as const satisfies readonly Sip2RequestCode[];
