import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Handles } from '@app/common';
import {
  ActOnIllRequestDto,
  CreateIllRequestDto,
  ExchangeView,
  FailedExchangeView,
  FederationActOnRequest,
  FederationCreateRequest,
  FederationGetRequest,
  FederationIssuePartnerKey,
  FederationListExchanges,
  FederationListFailed,
  FederationListPartners,
  FederationListRequests,
  FederationListUnits,
  FederationNcipExchange,
  FederationPartnerCards,
  FederationResolveFailed,
  FederationResolvePartnerPatron,
  FederationRetryFailed,
  FederationReturnPartnerItem,
  FederationRevokePartnerKey,
  FederationUpsertPartner,
  FederationUpsertUnit,
  IllRequestRefDto,
  IllRequestView,
  IssuedPartnerKey,
  IssuePartnerKeyDto,
  ListExchangesDto,
  ListFailedExchangesDto,
  ListIllRequestsDto,
  ListUnitsDto,
  NcipExchangeDto,
  NcipExchangeReply,
  Page,
  PartnerCardRule,
  PartnerItemReturnDto,
  ResolvePartnerPatronDto,
  VerifyPinResult,
  PartnerKeyView,
  PartnerView,
  ResolveFailedExchangeDto,
  RevokePartnerKeyDto,
  UnitView,
  UpsertPartnerDto,
  UpsertUnitDto,
} from '@app/contracts';
import { ExchangeLogService } from '../exchanges/exchange-log.service';
import { NcipServerService } from '../ncip/ncip-server.service';
import { PartnerRegistryService } from '../partners/partner-registry.service';
import { PartnerPatronService } from '../partner-readers/partner-patron.service';
import { PartnerReportService } from '../partner-readers/partner-report.service';
import { IllExchangeService } from '../requests/ill-exchange.service';
import { IllRequestService } from '../requests/ill-request.service';

@Controller()
export class FederationController {
  constructor(
    private readonly ncip: NcipServerService,
    private readonly partners: PartnerRegistryService,
    private readonly exchanges: ExchangeLogService,
    private readonly requests: IllRequestService,
    private readonly partnerPatrons: PartnerPatronService,
    private readonly reports: PartnerReportService,
    private readonly ill: IllExchangeService,
  ) {}

  @Handles(FederationPartnerCards)
  partnerCards(): Promise<PartnerCardRule[]> {
    return this.partnerPatrons.cardRules();
  }

  @Handles(FederationResolvePartnerPatron)
  resolvePartnerPatron(@Payload() dto: ResolvePartnerPatronDto): Promise<VerifyPinResult> {
    return this.partnerPatrons.resolve(dto);
  }

  @Handles(FederationReturnPartnerItem)
  returnPartnerItem(@Payload() dto: PartnerItemReturnDto): Promise<IllRequestView> {
    return this.reports.returnPartnerItem(dto, 'staff');
  }

  @Handles(FederationRetryFailed)
  retryFailed(@Payload() dto: ResolveFailedExchangeDto): Promise<FailedExchangeView> {
    return this.reports.retryFailed(dto.id, dto.actor ?? 'staff');
  }

  @Handles(FederationNcipExchange)
  ncipExchange(@Payload() dto: NcipExchangeDto): Promise<NcipExchangeReply> {
    return this.ncip.exchange(dto);
  }

  @Handles(FederationUpsertPartner)
  upsertPartner(@Payload() dto: UpsertPartnerDto): Promise<PartnerView> {
    return this.partners.upsert(dto);
  }

  @Handles(FederationListPartners)
  listPartners(): Promise<PartnerView[]> {
    return this.partners.list();
  }

  @Handles(FederationIssuePartnerKey)
  issueKey(@Payload() dto: IssuePartnerKeyDto): Promise<IssuedPartnerKey> {
    return this.partners.issueKey(dto);
  }

  @Handles(FederationRevokePartnerKey)
  revokeKey(@Payload() dto: RevokePartnerKeyDto): Promise<PartnerKeyView> {
    return this.partners.revokeKey(dto);
  }

  @Handles(FederationUpsertUnit)
  upsertUnit(@Payload() dto: UpsertUnitDto): Promise<UnitView> {
    return this.partners.upsertUnit(dto);
  }

  @Handles(FederationListUnits)
  listUnits(@Payload() dto: ListUnitsDto): Promise<UnitView[]> {
    return this.partners.listUnits(dto);
  }

  @Handles(FederationListExchanges)
  listExchanges(@Payload() dto: ListExchangesDto): Promise<Page<ExchangeView>> {
    return this.exchanges.list(dto);
  }

  @Handles(FederationListRequests)
  listRequests(@Payload() dto: ListIllRequestsDto): Promise<Page<IllRequestView>> {
    return this.requests.list(dto);
  }

  @Handles(FederationGetRequest)
  getRequest(@Payload() dto: IllRequestRefDto): Promise<IllRequestView> {
    return this.requests.get(dto.id);
  }

  @Handles(FederationActOnRequest)
  act(@Payload() dto: ActOnIllRequestDto): Promise<IllRequestView> {
    return this.ill.act(dto);
  }

  @Handles(FederationCreateRequest)
  createRequest(@Payload() dto: CreateIllRequestDto): Promise<IllRequestView> {
    return this.ill.createBorrowing(dto);
  }

  @Handles(FederationListFailed)
  listFailed(@Payload() dto: ListFailedExchangesDto): Promise<Page<FailedExchangeView>> {
    return this.exchanges.listFailed(dto);
  }

  @Handles(FederationResolveFailed)
  resolveFailed(@Payload() dto: ResolveFailedExchangeDto): Promise<FailedExchangeView> {
    return this.exchanges.resolveFailed(dto);
  }
}
