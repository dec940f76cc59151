// Variable-length field identifiers (SIP2 2.00 + common extensions), declared as data.
// Source: PROTOCOL.md §1.4 "Field identifiers" (Evergreen Sip/Constants.pm == pysip2 spec.py).
// `repeatable` fields are parsed into string[] (item lists, screen messages, print lines).

export interface FieldSpec {
  readonly name: string;
  readonly repeatable?: boolean;
}

export const FIELD_SPECS = {
  AA: { name: 'patronIdentifier' },
  AB: { name: 'itemIdentifier' },
  AC: { name: 'terminalPassword' },
  AD: { name: 'patronPassword' },
  AE: { name: 'personalName' },
  AF: { name: 'screenMessage', repeatable: true },
  AG: { name: 'printLine', repeatable: true },
  AH: { name: 'dueDate' },
  AJ: { name: 'titleIdentifier' },
  AL: { name: 'blockedCardMessage' },
  AM: { name: 'libraryName' },
  AN: { name: 'terminalLocation' },
  AO: { name: 'institutionId' },
  AP: { name: 'currentLocation' },
  AQ: { name: 'permanentLocation' },
  AS: { name: 'holdItems', repeatable: true },
  AT: { name: 'overdueItems', repeatable: true },
  AU: { name: 'chargedItems', repeatable: true },
  AV: { name: 'fineItems', repeatable: true },
  BD: { name: 'homeAddress' },
  BE: { name: 'emailAddress' },
  BF: { name: 'homePhoneNumber' },
  BG: { name: 'owner' },
  BH: { name: 'currencyType' },
  BI: { name: 'cancel' },
  BK: { name: 'transactionId' },
  BL: { name: 'validPatron' },
  BM: { name: 'renewedItems', repeatable: true },
  BN: { name: 'unrenewedItems', repeatable: true },
  BO: { name: 'feeAcknowledged' },
  BP: { name: 'startItem' },
  BQ: { name: 'endItem' },
  BR: { name: 'queuePosition' },
  BS: { name: 'pickupLocation' },
  BT: { name: 'feeType' },
  BU: { name: 'recallItems', repeatable: true },
  BV: { name: 'feeAmount' },
  BW: { name: 'expirationDate' },
  BX: { name: 'supportedMessages' },
  BY: { name: 'holdType' },
  BZ: { name: 'holdItemsLimit' },
  CA: { name: 'overdueItemsLimit' },
  CB: { name: 'chargedItemsLimit' },
  CC: { name: 'feeLimit' },
  CD: { name: 'unavailableHoldItems', repeatable: true },
  CF: { name: 'holdQueueLength' },
  CG: { name: 'feeIdentifier' },
  CH: { name: 'itemProperties' },
  CI: { name: 'securityInhibit' },
  CJ: { name: 'recallDate' },
  CK: { name: 'mediaType' },
  CL: { name: 'sortBin' },
  CM: { name: 'holdPickupDate' },
  CN: { name: 'loginUserId' },
  CO: { name: 'loginPassword' },
  CP: { name: 'locationCode' },
  CQ: { name: 'validPatronPassword' },
  // 3M extensions (Document Revision 1.20)
  CR: { name: 'collectionCode' },
  CS: { name: 'callNumber' },
  CT: { name: 'destinationLocation' },
  CV: { name: 'alertType' },
  CY: { name: 'holdPatronId' },
  DA: { name: 'holdPatronName' },
  // Envisionware / Evergreen / pysip2 extensions
  PA: { name: 'patronExpireDate' },
  PB: { name: 'patronBirthDate' },
  PC: { name: 'patronClass' },
  PI: { name: 'patronInternetProfile' },
  XI: { name: 'patronInternalId' },
  OR: { name: 'registerLogin' },
  RN: { name: 'checkNumber' },
} as const satisfies Record<string, FieldSpec>;

// AY/AZ are not in FIELD_SPECS on purpose: they are the error-detection trailer, handled by the codec.
export const SEQUENCE_FIELD_ID = 'AY';
export const CHECKSUM_FIELD_ID = 'AZ';

export type Sip2FieldId = keyof typeof FIELD_SPECS;
type SpecOf<K extends Sip2FieldId> = (typeof FIELD_SPECS)[K];
export type Sip2FieldName = SpecOf<Sip2FieldId>['name'];
type IsRepeatable<K extends Sip2FieldId> = SpecOf<K> extends { repeatable: true } ? true : false;
export type Sip2RepeatableFieldId = { [K in Sip2FieldId]: IsRepeatable<K> extends true ? K : never }[Sip2FieldId];
export type Sip2RepeatableFieldName = SpecOf<Sip2RepeatableFieldId>['name'];

/** Known variable fields of a message, keyed by field NAME. Repeatable fields are arrays. */
export type Sip2Fields = {
  -readonly [K in Sip2FieldId as SpecOf<K>['name']]?: IsRepeatable<K> extends true ? string[] : string;
};

export const FIELD_IDS = Object.keys(FIELD_SPECS) as Sip2FieldId[];

const ID_BY_NAME: ReadonlyMap<string, Sip2FieldId> = new Map(FIELD_IDS.map((id) => [FIELD_SPECS[id].name, id]));

export function isKnownFieldId(id: string): id is Sip2FieldId {
  return Object.prototype.hasOwnProperty.call(FIELD_SPECS, id);
}

export function fieldIdOf(name: Sip2FieldName): Sip2FieldId {
  return ID_BY_NAME.get(name)!;
}

export function fieldNameOf(id: Sip2FieldId): Sip2FieldName {
  return FIELD_SPECS[id].name;
}

export function isRepeatableField(id: Sip2FieldId): boolean {
  return (FIELD_SPECS[id] as FieldSpec).repeatable === true;
}
