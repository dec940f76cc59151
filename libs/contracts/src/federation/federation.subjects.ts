import * as C from '../registry/federation.contracts';

/** Subject strings of the federation contracts (registry/federation.contracts.ts), for untyped callers. */
export const FederationSubjects = {
  ncipExchange: C.FederationNcipExchange.subject,
  upsertPartner: C.FederationUpsertPartner.subject,
  listPartners: C.FederationListPartners.subject,
  issuePartnerKey: C.FederationIssuePartnerKey.subject,
  revokePartnerKey: C.FederationRevokePartnerKey.subject,
  upsertUnit: C.FederationUpsertUnit.subject,
  listUnits: C.FederationListUnits.subject,
  listExchanges: C.FederationListExchanges.subject,
  createRequest: C.FederationCreateRequest.subject,
  listRequests: C.FederationListRequests.subject,
  getRequest: C.FederationGetRequest.subject,
  actOnRequest: C.FederationActOnRequest.subject,
  listFailed: C.FederationListFailed.subject,
  resolveFailed: C.FederationResolveFailed.subject,
  retryFailed: C.FederationRetryFailed.subject,
  partnerCards: C.FederationPartnerCards.subject,
  resolvePartnerPatron: C.FederationResolvePartnerPatron.subject,
  returnPartnerItem: C.FederationReturnPartnerItem.subject,
} as const;
