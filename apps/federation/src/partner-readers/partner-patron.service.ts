import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DomainError, NatsRpcClient, TtlCache } from '@app/common';
import {
  ErrorCode,
  LoansPatronSummary,
  PartnerCardRule,
  PatronType,
  PatronTypes,
  PatronView,
  ResolvePartnerPatronDto,
  VerifyPinResult,
} from '@app/contracts';
import { FederationEnvDto } from '../config/federation-env.dto';
import { NcipClientService } from '../ncip/ncip-client.service';
import { el } from '../ncip/ncip-xml';
import { child, children, textAt } from '../ncip/ncip-xml';
import { Partner, PartnerRegistryService } from '../partners/partner-registry.service';

/** How long a home library's answer about a reader is reused (the PIN only as a salted hash, in memory). */
const CACHE_TTL_MS = 120_000;

interface HomeAnswer {
  valid: boolean;
  name: string;
  patronType: string;
  validTo: string | null;
  blocked: boolean;
  offline: boolean;
}

/**
 * A partner's reader borrowing here with their own card: identity, PIN and standing come from their
 * home library (NCIP LookupUser with AuthenticationInput), cached briefly; the loan is recorded against
 * (partner ISIL, card barcode) and the partner-patron row keeps what the agreement needs. When the home
 * library does not answer, the agreement decides: refuse with a clear reason, or lend up to a limit.
 */
@Injectable()
export class PartnerPatronService {
  private readonly logger = new Logger(PartnerPatronService.name);
  private readonly cache = new TtlCache<string, HomeAnswer>(CACHE_TTL_MS, 10_000);

  constructor(
    private readonly env: FederationEnvDto,
    private readonly partners: PartnerRegistryService,
    private readonly client: NcipClientService,
    private readonly rpc: NatsRpcClient,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async cardRules(): Promise<PartnerCardRule[]> {
    const all = await this.partners.list();
    return all
      .filter((p) => p.active && (p.agreement.cardPrefix || p.agreement.cardPattern))
      .map((p) => ({ isil: p.isil, prefix: p.agreement.cardPrefix, pattern: p.agreement.cardPattern }));
  }

  private async partnerFor(barcode: string): Promise<Partner | null> {
    for (const rule of await this.cardRules()) {
      const re = rule.pattern ? new RegExp(rule.pattern) : null;
      if ((rule.prefix ? barcode.startsWith(rule.prefix) : true) && (re ? re.test(barcode) : true))
        return this.partners.find(rule.isil);
    }
    return null;
  }

  async resolve(dto: ResolvePartnerPatronDto): Promise<VerifyPinResult> {
    const partner = await this.partnerFor(dto.barcode);
    if (!partner) throw new DomainError(ErrorCode.PatronUnknown, `patron ${dto.barcode} not found`);
    const key = createHash('sha256')
      .update(`${partner.isil}\0${dto.barcode}\0${dto.pin ?? ''}`)
      .digest('hex');
    let home = this.cache.get(key);
    if (!home) {
      home = await this.askHome(partner, dto);
      if (!home.offline) this.cache.set(key, home);
    }
    const { agreement } = partner;
    const typeAllowed =
      !agreement.patronTypesAllowed.length || agreement.patronTypesAllowed.includes(home.patronType as PatronType);
    const summary = await this.rpc.call(LoansPatronSummary, {
      patron: { agency: partner.isil, barcode: dto.barcode },
    });
    const limit = home.offline ? agreement.offlineMaxItems : agreement.maxItems;
    const atLimit = summary.openLoans >= limit;
    const [row] = await this.db.query(
      `INSERT INTO federation.partner_patrons (home, barcode, name, patron_type, valid_to, home_status, verified_offline, verified_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7, now())
       ON CONFLICT (home, barcode) DO UPDATE SET name = CASE WHEN EXCLUDED.verified_offline THEN federation.partner_patrons.name ELSE EXCLUDED.name END,
         patron_type = EXCLUDED.patron_type, valid_to = COALESCE(EXCLUDED.valid_to, federation.partner_patrons.valid_to),
         home_status = EXCLUDED.home_status, verified_offline = EXCLUDED.verified_offline, verified_at = now()
       RETURNING id, name, created_at, verified_at`,
      [
        partner.isil,
        dto.barcode,
        home.name,
        home.patronType,
        home.validTo,
        home.blocked ? 'blocked' : 'active',
        home.offline,
      ],
    );
    const blocked = home.blocked || !typeAllowed || atLimit;
    if (blocked)
      this.logger.log({
        event: 'partner_reader_refused',
        partner: partner.isil,
        blockedAtHome: home.blocked,
        typeAllowed,
        atLimit,
        offline: home.offline,
      });
    const patron: PatronView = {
      id: row.id,
      agency: partner.isil,
      barcode: dto.barcode,
      name: row.name,
      patronType: (PatronTypes as readonly string[]).includes(home.patronType)
        ? (home.patronType as PatronType)
        : 'adult',
      homeBranch: partner.branch ?? this.env.NCIP_DEFAULT_BRANCH,
      cardExpiresOn: home.validTo ?? '2099-12-31',
      status: 'active',
      blocks: blocked ? ['manual'] : [],
      expired: false,
      circulationBlocked: blocked,
      blockDetails: blocked
        ? {
            manual: {
              reason: home.blocked
                ? 'blocked at the home library'
                : !typeAllowed
                  ? 'patron type not in the agreement'
                  : `agreement limit of ${limit} items reached`,
              actor: 'federation',
              since: new Date().toISOString(),
            },
          }
        : undefined,
      email: null,
      phone: null,
      createdAt: (row.created_at as Date).toISOString(),
      updatedAt: (row.verified_at as Date).toISOString(),
    };
    return { valid: home.valid, patron };
  }

  private async askHome(partner: Partner, dto: ResolvePartnerPatronDto): Promise<HomeAnswer> {
    const input = (type: string, data: string) =>
      el('AuthenticationInput', [
        el('AuthenticationInputData', data),
        el('AuthenticationDataFormatType', 'text/plain'),
        el('AuthenticationInputType', type),
      ]);
    const body = [
      ...(dto.pin !== undefined
        ? [input('Barcode Id', dto.barcode), input('PIN', dto.pin)]
        : [el('UserId', [el('AgencyId', partner.isil), el('UserIdentifierValue', dto.barcode)])]),
      el('UserElementType', 'Name Information'),
      el('UserElementType', 'User Privilege'),
      el('UserElementType', 'Block Or Trap'),
    ];
    // a lookup is read-only: retried by the client; not queued when it fails
    const r = await this.client.call(partner, 'LookupUser', body, { retries: 0 });
    if (r.kind === 'unreachable') {
      if (partner.agreement.whenHomeDown === 'refuse') {
        throw new DomainError(
          ErrorCode.ServiceUnavailable,
          `${partner.name} (${partner.isil}) did not answer; their readers cannot be checked now`,
          { partner: partner.isil },
        );
      }
      return {
        valid: true,
        name: `${partner.name}读者`,
        patronType: 'adult',
        validTo: null,
        blocked: false,
        offline: true,
      };
    }
    if (r.kind === 'problem') {
      if (/authentication/i.test(r.problem.type))
        return { valid: false, name: '', patronType: 'adult', validTo: null, blocked: false, offline: false };
      if (/unknown user/i.test(r.problem.type))
        throw new DomainError(ErrorCode.PatronUnknown, `patron ${dto.barcode} not known at ${partner.isil}`);
      if (/blocked/i.test(r.problem.type))
        return { valid: true, name: dto.barcode, patronType: 'adult', validTo: null, blocked: true, offline: false };
      throw new DomainError(ErrorCode.ServiceUnavailable, `${partner.isil} answered ${r.problem.type}`);
    }
    const opt = child(r.body, 'UserOptionalFields');
    const name =
      textAt(opt, 'NameInformation', 'PersonalNameInformation', 'UnstructuredPersonalUserName') ??
      [
        textAt(opt, 'NameInformation', 'PersonalNameInformation', 'StructuredPersonalUserName', 'Surname'),
        textAt(opt, 'NameInformation', 'PersonalNameInformation', 'StructuredPersonalUserName', 'GivenName'),
      ]
        .filter(Boolean)
        .join('') ??
      dto.barcode;
    const privilege = child(opt, 'UserPrivilege');
    const status = textAt(privilege, 'UserPrivilegeStatus', 'UserPrivilegeStatusType') ?? 'Active';
    const validTo = textAt(privilege, 'ValidToDate');
    return {
      valid: true,
      name: name || dto.barcode,
      patronType: (textAt(privilege, 'AgencyUserPrivilegeType') ?? 'adult').toLowerCase(),
      validTo:
        validTo && !Number.isNaN(Date.parse(validTo))
          ? new Date(Date.parse(validTo) + 8 * 3600_000).toISOString().slice(0, 10)
          : null,
      blocked: !/^active$/i.test(status) || children(opt, 'BlockOrTrap').length > 0,
      offline: false,
    };
  }
}
