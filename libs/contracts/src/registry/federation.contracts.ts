import { as, NoPayload, rpc } from '../contract';
import type { Page } from '../common/page.dto';
import type { VerifyPinResult } from '../patrons/patron.dto';
import {
  ActOnIllRequestDto,
  CreateIllRequestDto,
  IllRequestRefDto,
  IssuePartnerKeyDto,
  ListExchangesDto,
  ListFailedExchangesDto,
  ListIllRequestsDto,
  ListUnitsDto,
  NcipExchangeDto,
  PartnerItemReturnDto,
  ResolveFailedExchangeDto,
  ResolvePartnerPatronDto,
  RevokePartnerKeyDto,
  UpsertPartnerDto,
  UpsertUnitDto,
} from '../federation/federation.dto';
import type {
  ExchangeView,
  FailedExchangeView,
  IllRequestView,
  IssuedPartnerKey,
  NcipExchangeReply,
  PartnerCardRule,
  PartnerKeyView,
  PartnerView,
  UnitView,
} from '../federation/federation.dto';

/** federation service: partners and agreements, NCIP, partner readers, interlibrary requests (docs/interlibrary.md). */
export const FederationNcipExchange = rpc('federation.ncip.exchange.v1', NcipExchangeDto, as<NcipExchangeReply>());
export const FederationUpsertPartner = rpc('federation.partners.upsert.v1', UpsertPartnerDto, as<PartnerView>());
export const FederationListPartners = rpc('federation.partners.list.v1', NoPayload, as<PartnerView[]>());
export const FederationIssuePartnerKey = rpc(
  'federation.partners.issue-key.v1',
  IssuePartnerKeyDto,
  as<IssuedPartnerKey>(),
);
export const FederationRevokePartnerKey = rpc(
  'federation.partners.revoke-key.v1',
  RevokePartnerKeyDto,
  as<PartnerKeyView>(),
);
export const FederationUpsertUnit = rpc('federation.units.upsert.v1', UpsertUnitDto, as<UnitView>());
export const FederationListUnits = rpc('federation.units.list.v1', ListUnitsDto, as<UnitView[]>());
export const FederationListExchanges = rpc('federation.exchanges.list.v1', ListExchangesDto, as<Page<ExchangeView>>());
export const FederationCreateRequest = rpc('federation.requests.create.v1', CreateIllRequestDto, as<IllRequestView>());
export const FederationListRequests = rpc(
  'federation.requests.list.v1',
  ListIllRequestsDto,
  as<Page<IllRequestView>>(),
);
export const FederationGetRequest = rpc('federation.requests.get.v1', IllRequestRefDto, as<IllRequestView>());
export const FederationActOnRequest = rpc('federation.requests.act.v1', ActOnIllRequestDto, as<IllRequestView>());
export const FederationListFailed = rpc(
  'federation.failed.list.v1',
  ListFailedExchangesDto,
  as<Page<FailedExchangeView>>(),
);
export const FederationResolveFailed = rpc(
  'federation.failed.resolve.v1',
  ResolveFailedExchangeDto,
  as<FailedExchangeView>(),
);
export const FederationRetryFailed = rpc(
  'federation.failed.retry.v1',
  ResolveFailedExchangeDto,
  as<FailedExchangeView>(),
);
/** how partner cards are recognised; patrons caches it and asks only for barcodes that are not ours */
export const FederationPartnerCards = rpc('federation.partner-cards.v1', NoPayload, as<PartnerCardRule[]>());
export const FederationResolvePartnerPatron = rpc(
  'federation.partner-patrons.resolve.v1',
  ResolvePartnerPatronDto,
  as<VerifyPinResult>(),
);
export const FederationReturnPartnerItem = rpc(
  'federation.returns.partner-item.v1',
  PartnerItemReturnDto,
  as<IllRequestView>(),
);
