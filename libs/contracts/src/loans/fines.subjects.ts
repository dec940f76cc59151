/** Fines, payments, waivers, lost and claimed-returned loans (loans service). */
export const FineSubjects = {
  list: 'loans.fines.list.v1',
  pay: 'loans.fines.pay.v1',
  waive: 'loans.fines.waive.v1',
  markLost: 'loans.mark-lost.v1',
  claimReturned: 'loans.claim-returned.v1',
} as const;

/** Events (JetStream) for the item states the catalog mirrors: lost, claimed returned, found again. */
export const LostItemEventSubjects = {
  loanLost: 'events.loans.loan-lost.v1',
  loanClaimedReturned: 'events.loans.loan-claimed-returned.v1',
  lostItemFound: 'events.loans.lost-item-found.v1',
} as const;
