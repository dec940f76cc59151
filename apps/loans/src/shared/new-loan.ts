import type { CirculationChannel } from '@app/contracts';
import { randomUUID } from 'node:crypto';
import { LoanEntity } from './loan.entity';

/** What a new loan needs to know of its patron (a patron view has it). */
export interface LoanPatron {
  agency: string;
  barcode: string;
  patronType: string;
}

/** What a new loan copies of its item (a catalog item view, or any projection with the same fields). */
export interface LoanItem {
  agency: string;
  barcode: string;
  id: string;
  title: string;
  itemType: string;
  homeBranch: string;
}

export interface NewLoan {
  patron: LoanPatron;
  item: LoanItem;
  /** the branch where it was lent */
  branch: string;
  channel: CirculationChannel;
  ruleId: string;
  checkedOutAt: Date;
  due: { dueAt: Date; dueDate: string; dueBranch: string | null };
}

/**
 * A loan not yet inserted: live checkout and offline (no-block) checkout build it the same way, so a
 * new column is filled in one place. Loan rights are the owning branch's (the item's home branch).
 */
export function newLoan(n: NewLoan): LoanEntity {
  return Object.assign(new LoanEntity(), {
    id: randomUUID(),
    patronAgency: n.patron.agency,
    patronBarcode: n.patron.barcode,
    patronType: n.patron.patronType,
    itemAgency: n.item.agency,
    itemBarcode: n.item.barcode,
    itemId: n.item.id,
    title: n.item.title,
    itemType: n.item.itemType,
    owningBranch: n.item.homeBranch,
    checkoutBranch: n.branch,
    channel: n.channel,
    ruleId: n.ruleId,
    checkedOutAt: n.checkedOutAt,
    dueAt: n.due.dueAt,
    dueDate: n.due.dueDate,
    dueBranch: n.due.dueBranch,
    renewals: 0,
    lastRenewedAt: null,
    returnedAt: null,
    returnBranch: null,
    returnChannel: null,
  } satisfies LoanEntity);
}
