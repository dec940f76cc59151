import type { PatronBlockKind, PatronChangedEventData, PatronStatus, PatronType, PatronView } from '@app/contracts';
import { PatronEntity } from '../entities/patron.entity';
import { isExpiredOn } from '@app/time';

/** The outside view of a patron. Built field by field so the PIN hash and throttle counters never leak. */
/** `today` is the library-zone date from LibraryClock. */
export function toPatronView(p: PatronEntity, today: string): PatronView {
  const blocks = p.blocks as PatronBlockKind[];
  const expired = isExpiredOn(p.cardExpiresOn, today);
  const details = Object.fromEntries(
    Object.entries(p.blockDetails ?? {}).filter(([k]) => blocks.includes(k as PatronBlockKind)),
  );
  return {
    id: p.id,
    agency: p.agency,
    barcode: p.barcode,
    name: p.name,
    patronType: p.patronType as PatronType,
    homeBranch: p.homeBranch,
    cardExpiresOn: p.cardExpiresOn,
    status: p.status as PatronStatus,
    blocks,
    expired,
    circulationBlocked: blocks.length > 0 || expired || p.status !== 'active',
    blockDetails: details,
    email: p.email,
    phone: p.phone,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

export function toPatronEventData(p: PatronEntity, pinChanged?: boolean): PatronChangedEventData {
  return {
    patronId: p.id,
    agency: p.agency,
    barcode: p.barcode,
    patronType: p.patronType as PatronType,
    homeBranch: p.homeBranch,
    status: p.status as PatronStatus,
    cardExpiresOn: p.cardExpiresOn,
    blocks: p.blocks as PatronBlockKind[],
    ...(pinChanged === undefined ? {} : { pinChanged }),
  };
}
