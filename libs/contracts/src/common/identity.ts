/**
 * ISIL in the GB/T 35660.1 form used by Chinese libraries: `CN-<6-digit admin division>-<type digit>-<code>`,
 * e.g. `CN-320583-1-KSL` (Kunshan). We also accept generic ISO 15511 ISILs (`XX-...`, max 16 chars)
 * so foreign NCIP partners can be registered.
 */
export const ISIL_PATTERN = /^(CN-\d{6}-\d-[A-Z0-9]{1,10}|[A-Z]{1,4}-[A-Za-z0-9:/-]{1,11})$/;
export const BARCODE_PATTERN = /^[A-Za-z0-9._-]{1,32}$/;
export const BRANCH_CODE_PATTERN = /^[A-Z0-9][A-Z0-9_-]{0,31}$/;

/** An item is identified by (owning agency, barcode), never by barcode alone. */
export interface ItemRef {
  agency: string;
  barcode: string;
}

/** A patron is identified the same way: (home agency ISIL, card barcode). */
export type PatronRef = ItemRef;

export const itemKey = (ref: ItemRef): string => `${ref.agency}/${ref.barcode}`;
