import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ActOnIllRequestDto,
  CreateIllRequestDto,
  ExchangeView,
  FailedExchangeView,
  FederationSubjects,
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

  @MessagePattern(FederationSubjects.partnerCards)
  partnerCards(): Promise<PartnerCardRule[]> {
    return this.partnerPatrons.cardRules();
  }

  @MessagePattern(FederationSubjects.resolvePartnerPatron)
  resolvePartnerPatron(@Payload() dto: ResolvePartnerPatronDto): Promise<VerifyPinResult> {
    return this.partnerPatrons.resolve(dto);
  }

  @MessagePattern(FederationSubjects.returnPartnerItem)
  returnPartnerItem(@Payload() dto: PartnerItemReturnDto): Promise<IllRequestView> {
    return this.reports.returnPartnerItem(dto, 'staff');
  }

  @MessagePattern(FederationSubjects.retryFailed)
  retryFailed(@Payload() dto: ResolveFailedExchangeDto): Promise<FailedExchangeView> {
    return this.reports.retryFailed(dto.id, dto.actor ?? 'staff');
  }

  @MessagePattern(FederationSubjects.ncipExchange)
  ncipExchange(@Payload() dto: NcipExchangeDto): Promise<NcipExchangeReply> {
    return this.ncip.exchange(dto);
  }

  @MessagePattern(FederationSubjects.upsertPartner)
  upsertPartner(@Payload() dto: UpsertPartnerDto): Promise<PartnerView> {
    return this.partners.upsert(dto);
  }

  @MessagePattern(FederationSubjects.listPartners)
  listPartners(): Promise<PartnerView[]> {
    return this.partners.list();
  }

  @MessagePattern(FederationSubjects.issuePartnerKey)
  issueKey(@Payload() dto: IssuePartnerKeyDto): Promise<IssuedPartnerKey> {
    return this.partners.issueKey(dto);
  }

  @MessagePattern(FederationSubjects.revokePartnerKey)
  revokeKey(@Payload() dto: RevokePartnerKeyDto): Promise<PartnerKeyView> {
    return this.partners.revokeKey(dto);
  }

  @MessagePattern(FederationSubjects.upsertUnit)
  upsertUnit(@Payload() dto: UpsertUnitDto): Promise<UnitView> {
    return this.partners.upsertUnit(dto);
  }

  @MessagePattern(FederationSubjects.listUnits)
  listUnits(@Payload() dto: ListUnitsDto): Promise<UnitView[]> {
    return this.partners.listUnits(dto);
  }

  @MessagePattern(FederationSubjects.listExchanges)
  listExchanges(@Payload() dto: ListExchangesDto): Promise<Page<ExchangeView>> {
    return this.exchanges.list(dto);
  }

  @MessagePattern(FederationSubjects.listRequests)
  listRequests(@Payload() dto: ListIllRequestsDto): Promise<Page<IllRequestView>> {
    return this.requests.list(dto);
  }

  @MessagePattern(FederationSubjects.getRequest)
  getRequest(@Payload() dto: IllRequestRefDto): Promise<IllRequestView> {
    return this.requests.get(dto.id);
  }

  @MessagePattern(FederationSubjects.actOnRequest)
  act(@Payload() dto: ActOnIllRequestDto): Promise<IllRequestView> {
    return this.ill.act(dto);
  }

  @MessagePattern(FederationSubjects.createRequest)
  createRequest(@Payload() dto: CreateIllRequestDto): Promise<IllRequestView> {
    return this.ill.createBorrowing(dto);
  }

  @MessagePattern(FederationSubjects.listFailed)
  listFailed(@Payload() dto: ListFailedExchangesDto): Promise<Page<FailedExchangeView>> {
    return this.exchanges.listFailed(dto);
  }

  @MessagePattern(FederationSubjects.resolveFailed)
  resolveFailed(@Payload() dto: ResolveFailedExchangeDto): Promise<FailedExchangeView> {
    return this.exchanges.resolveFailed(dto);
  }
}
