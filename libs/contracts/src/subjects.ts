/**
 * Every NATS subject the suite uses, versioned so a v2 can run beside v1 during a rolling upgrade.
 * Apps import these constants; a subject string never appears anywhere else.
 */
export const ServiceNames = ['patrons', 'catalog', 'loans', 'delivery', 'federation', 'sip2', 'statistics'] as const;
export type ServiceName = (typeof ServiceNames)[number];

export const healthSubject = (service: ServiceName | 'gateway'): string => `${service}.health.v1`;
export const pingSubject = (service: ServiceName | 'gateway'): string => `${service}.ping.v1`;

export const PatronSubjects = {
  create: 'patrons.create.v1',
  update: 'patrons.update.v1',
  get: 'patrons.get.v1',
  search: 'patrons.search.v1',
  verifyPin: 'patrons.verify-pin.v1',
  setBlock: 'patrons.set-block.v1',
} as const;

export const CatalogSubjects = {
  createRecord: 'catalog.records.create.v1',
  updateRecord: 'catalog.records.update.v1',
  getRecord: 'catalog.records.get.v1',
  searchRecords: 'catalog.records.search.v1',
  createItem: 'catalog.items.create.v1',
  updateItem: 'catalog.items.update.v1',
  getItem: 'catalog.items.get.v1',
  searchItems: 'catalog.items.search.v1',
  listAgencies: 'catalog.agencies.list.v1',
  upsertAgency: 'catalog.agencies.upsert.v1',
  upsertBranch: 'catalog.branches.upsert.v1',
} as const;

export const LoanSubjects = {
  checkout: 'loans.checkout.v1',
  checkin: 'loans.checkin.v1',
  renew: 'loans.renew.v1',
  patronLoans: 'loans.patron-loans.v1',
  itemLoan: 'loans.item-loan.v1',
  patronSummary: 'loans.patron-summary.v1',
} as const;

/** Domain events live in one JetStream stream; subjects start with `events.` */
export const EVENT_STREAM = 'CIRCULATION_EVENTS';
export const EVENT_SUBJECT_PREFIX = 'events.';

export const EventSubjects = {
  patronCreated: 'events.patrons.patron-created.v1',
  patronUpdated: 'events.patrons.patron-updated.v1',
  patronBlocked: 'events.patrons.patron-blocked.v1',
  itemCreated: 'events.catalog.item-created.v1',
  itemUpdated: 'events.catalog.item-updated.v1',
  loanCreated: 'events.loans.loan-created.v1',
  loanRenewed: 'events.loans.loan-renewed.v1',
  loanClosed: 'events.loans.loan-closed.v1',
} as const;
export type EventSubject = (typeof EventSubjects)[keyof typeof EventSubjects];

/** Reported by health checks; bumped with package.json. */
export const SUITE_VERSION = '0.1.0';
