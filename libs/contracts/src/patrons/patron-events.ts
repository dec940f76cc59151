import type { PatronEventData } from '../events/event-envelope';
import type { PatronBlockKind, PatronStatus, PatronType } from './patron.dto';

/** Data of `PatronCreated` / `PatronUpdated`: the patron's circulation-relevant state. */
export interface PatronChangedEventData extends PatronEventData {
  patronType: PatronType;
  homeBranch: string;
  status: PatronStatus;
  cardExpiresOn: string;
  blocks: PatronBlockKind[];
  /** true when this update replaced the PIN (the PIN itself is never in an event) */
  pinChanged?: boolean;
}

/** Data of `PatronBlocked`: sent when a block is set *or* lifted (see `active`). */
export interface PatronBlockEventData extends PatronEventData {
  block: PatronBlockKind;
  active: boolean;
  reason: string | null;
  actor: string | null;
  /** all blocks after the change */
  blocks: PatronBlockKind[];
}
