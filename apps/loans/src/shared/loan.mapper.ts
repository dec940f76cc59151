import type { CirculationChannel, LoanEventData, LoanView } from '@app/contracts';
import { LoanEntity } from './loan.entity';

/** Overdue: still out after its due moment, or returned after it (kept visible in the history). */
export const isOverdue = (l: LoanEntity, now: Date): boolean => (l.returnedAt ?? now).getTime() > l.dueAt.getTime();

export const toLoanView = (l: LoanEntity, now: Date): LoanView => ({
  id: l.id,
  patron: { agency: l.patronAgency, barcode: l.patronBarcode },
  item: { agency: l.itemAgency, barcode: l.itemBarcode },
  title: l.title,
  itemType: l.itemType,
  checkoutBranch: l.checkoutBranch,
  channel: l.channel,
  checkedOutAt: l.checkedOutAt.toISOString(),
  dueAt: l.dueAt.toISOString(),
  dueDate: l.dueDate,
  renewals: l.renewals,
  returnedAt: l.returnedAt ? l.returnedAt.toISOString() : null,
  returnBranch: l.returnBranch,
  status: l.returnedAt ? 'closed' : 'open',
  overdue: isOverdue(l, now),
  // only when set, so plain loans look as they always did
  ...(l.dueBranch && l.dueBranch !== l.checkoutBranch ? { dueBranch: l.dueBranch } : {}),
  ...(l.lostAt ? { lostAt: l.lostAt.toISOString() } : {}),
  ...(l.claimedReturnedAt ? { claimedReturnedAt: l.claimedReturnedAt.toISOString() } : {}),
});

/** `branch` and `channel` are where and how this change happened (checkout, renewal or return). */
export const toLoanEventData = (l: LoanEntity, branch: string, channel: CirculationChannel): LoanEventData => ({
  loanId: l.id,
  patron: { agency: l.patronAgency, barcode: l.patronBarcode },
  item: { agency: l.itemAgency, barcode: l.itemBarcode },
  branch,
  channel,
  dueAt: l.dueAt.toISOString(),
  ...(l.returnedAt ? { returnedAt: l.returnedAt.toISOString() } : {}),
});
