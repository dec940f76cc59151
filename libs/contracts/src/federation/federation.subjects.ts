/** Federation service (partner agencies, agreements, NCIP, interlibrary requests). See docs/interlibrary.md. */
export const FederationSubjects = {
  /** NcipExchangeDto (raw XML from the gateway's POST /ncip) → NcipExchangeReply (XML to send back) */
  ncipExchange: 'federation.ncip.exchange.v1',
  /** UpsertPartnerDto → PartnerView */
  upsertPartner: 'federation.partners.upsert.v1',
  /** {} → PartnerView[] */
  listPartners: 'federation.partners.list.v1',
  /** IssuePartnerKeyDto → IssuedPartnerKey (the key is shown once) */
  issuePartnerKey: 'federation.partners.issue-key.v1',
  /** RevokePartnerKeyDto → PartnerKeyView */
  revokePartnerKey: 'federation.partners.revoke-key.v1',
  /** UpsertUnitDto → UnitView (branches, 24-hour libraries, locker sites, central-branch tree) */
  upsertUnit: 'federation.units.upsert.v1',
  /** {agency?} → UnitView[] */
  listUnits: 'federation.units.list.v1',
  /** ListExchangesDto → Page<ExchangeView> */
  listExchanges: 'federation.exchanges.list.v1',
  /** ListIllRequestsDto → Page<IllRequestView> */
  listRequests: 'federation.requests.list.v1',
  /** IllRequestRefDto → IllRequestView (with its transitions) */
  getRequest: 'federation.requests.get.v1',
  /** CreateIllRequestDto → IllRequestView: ask a partner for a copy for our reader (NCIP RequestItem) */
  createRequest: 'federation.requests.create.v1',
  /** ActOnIllRequestDto → IllRequestView */
  actOnRequest: 'federation.requests.act.v1',
  /** ListFailedExchangesDto → Page<FailedExchangeView> */
  listFailed: 'federation.failed.list.v1',
  /** ResolveFailedExchangeDto → FailedExchangeView */
  resolveFailed: 'federation.failed.resolve.v1',
  /** ResolveFailedExchangeDto → FailedExchangeView: send a queued exchange again (resolved when accepted) */
  retryFailed: 'federation.failed.retry.v1',
  /** {} → PartnerCardRule[]: how partner cards are recognised (patrons asks, caches, and only for unknown barcodes) */
  partnerCards: 'federation.partner-cards.v1',
  /** ResolvePartnerPatronDto → VerifyPinResult: a partner's reader checked at their home library over NCIP */
  resolvePartnerPatron: 'federation.partner-patrons.resolve.v1',
  /** PartnerItemReturnDto → IllRequestView: a partner's item returned here: closed, reported home, queued for shipment */
  returnPartnerItem: 'federation.returns.partner-item.v1',
} as const;
