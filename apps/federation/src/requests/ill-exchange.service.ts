import { Injectable, Logger } from '@nestjs/common';
import { DomainError, NatsRpcClient, RemoteError } from '@app/common';
import {
  ActOnIllRequestDto,
  CatalogGetItem,
  CatalogUpdateItem,
  CreateIllRequestDto,
  ErrorCode,
  IllRequestView,
  LoansHoldsCancel,
  LoansRecall,
  LoansRenew,
  PatronsGet,
} from '@app/contracts';
import { FederationEnvDto } from '../config/federation-env.dto';
import { itemIdEl, requestIdEl, userIdEl } from '../ncip/ncip-message';
import { NcipClientService } from '../ncip/ncip-client.service';
import { el, textAt } from '../ncip/ncip-xml';
import { Partner, PartnerRegistryService } from '../partners/partner-registry.service';
import { ACTION_STATE, IllRequestService } from './ill-request.service';

/**
 * Interlibrary requests that talk to the partner. Borrowing: RequestItem (our request id as RequestId,
 * so the partner's replay table makes a retry harmless; when the outcome is unknown the compensation is
 * a CancelRequestItem with the same id, and the request moves to try_next_partner), CancelRequestItem,
 * RenewItem, and CheckInItem when the copy is shipped home. Lending: AcceptItem when our copy is checked
 * out to the partner library (shipped), DeleteItem when it is back.
 */
@Injectable()
export class IllExchangeService {
  private readonly logger = new Logger(IllExchangeService.name);

  constructor(
    private readonly env: FederationEnvDto,
    private readonly partners: PartnerRegistryService,
    private readonly client: NcipClientService,
    private readonly requests: IllRequestService,
    private readonly rpc: NatsRpcClient,
  ) {}

  private async partner(isil: string): Promise<Partner> {
    const p = await this.partners.find(isil);
    if (!p) throw new DomainError(ErrorCode.AgencyUnknown, `${isil} is not a partner`);
    return p;
  }

  async createBorrowing(dto: CreateIllRequestDto): Promise<IllRequestView> {
    const partner = await this.partner(dto.partner);
    if (!dto.itemBarcode && !dto.bibliographicId)
      throw new DomainError(ErrorCode.ValidationFailed, 'itemBarcode or bibliographicId is required', {
        fields: { itemBarcode: ['itemBarcode or bibliographicId is required'] },
      });
    await this.rpc.call(PatronsGet, { agency: this.env.LIBRARY_ISIL, barcode: dto.patronBarcode });
    const actor = dto.actor ?? 'staff';
    const r = await this.requests.create(
      {
        direction: 'borrowing',
        partner: partner.isil,
        partnerRequestId: null,
        patron: { agency: this.env.LIBRARY_ISIL, barcode: dto.patronBarcode },
        item: dto.itemBarcode ? { agency: partner.isil, barcode: dto.itemBarcode } : null,
        title: dto.title ?? null,
      },
      actor,
      'requested by staff',
    );
    const body = [
      userIdEl({ agency: this.env.LIBRARY_ISIL, value: dto.patronBarcode }),
      dto.itemBarcode
        ? itemIdEl({ agency: partner.isil, value: dto.itemBarcode })
        : el('BibliographicId', [
            el('BibliographicRecordId', [
              el('BibliographicRecordIdentifier', dto.bibliographicId!),
              el('AgencyId', partner.isil),
            ]),
          ]),
      requestIdEl({ agency: this.env.LIBRARY_ISIL, value: r.id }),
      el('RequestType', 'Loan'),
      el('RequestScopeType', dto.itemBarcode ? 'Item' : 'Bibliographic Item'),
    ];
    const res = await this.client.call(partner, 'RequestItem', body);
    if (res.kind === 'ok')
      return this.requests.transition(r.id, 'supplier_confirmed', `ncip:${partner.isil}`, 'RequestItem accepted');
    if (res.kind === 'problem')
      return this.requests.transition(
        r.id,
        'not_supplied',
        `ncip:${partner.isil}`,
        `${res.problem.type}${res.problem.detail ? `: ${res.problem.detail}` : ''}`,
      );
    // unknown outcome: withdraw it at the partner (same RequestId; queued if they stay silent) and try another
    await this.client.call(
      partner,
      'CancelRequestItem',
      [
        userIdEl({ agency: this.env.LIBRARY_ISIL, value: dto.patronBarcode }),
        requestIdEl({ agency: this.env.LIBRARY_ISIL, value: r.id }),
        el('RequestType', 'Loan'),
      ],
      { queueOnFailure: true },
    );
    return this.requests.transition(
      r.id,
      'try_next_partner',
      actor,
      `${partner.isil} did not answer (${res.reason}); request withdrawn there`,
    );
  }

  async act(dto: ActOnIllRequestDto): Promise<IllRequestView> {
    const r = await this.requests.get(dto.id);
    const actor = dto.actor ?? 'staff';
    if (r.direction === 'borrowing' && dto.action === 'cancel') {
      const partner = await this.partner(r.partner);
      await this.client.call(
        partner,
        'CancelRequestItem',
        [
          userIdEl({ agency: this.env.LIBRARY_ISIL, value: r.patron?.barcode ?? 'unknown' }),
          requestIdEl({ agency: this.env.LIBRARY_ISIL, value: r.partnerRequestId ?? r.id }),
          el('RequestType', 'Loan'),
        ],
        { queueOnFailure: true },
      );
      if (r.holdId)
        await this.rpc.call(LoansHoldsCancel, { holdId: r.holdId, cancelledBy: 'staff' }).catch(() => undefined);
    }
    if (r.direction === 'lending' && dto.action === 'cancel' && r.holdId) {
      await this.rpc.call(LoansHoldsCancel, { holdId: r.holdId, cancelledBy: 'staff' }).catch(() => undefined);
    }
    if (r.direction === 'borrowing' && dto.action === 'renew') {
      if (r.state !== 'loaned' || !r.item || !r.patron)
        throw new DomainError(ErrorCode.Conflict, 'only a loaned interlibrary copy can be renewed');
      const partner = await this.partner(r.partner);
      const res = await this.client.call(partner, 'RenewItem', [
        userIdEl({ agency: this.env.LIBRARY_ISIL, value: r.patron.barcode }),
        itemIdEl({ agency: r.item.agency, value: r.item.barcode }),
      ]);
      if (res.kind !== 'ok')
        throw new DomainError(
          ErrorCode.RenewalLimitReached,
          `${partner.isil} refused the renewal: ${res.kind === 'problem' ? res.problem.type : res.reason}`,
        );
      const partnerDue = textAt(res.body, 'DateDue');
      // the partner agreed: renew our reader's loan of the copy here too
      const local = await this.rpc.call(LoansRenew, {
        patron: { agency: this.env.LIBRARY_ISIL, barcode: r.patron.barcode },
        item: r.item,
        channel: 'ncip',
      });
      return this.requests.transition(r.id, 'loaned', actor, `renewed at ${partner.isil} until ${partnerDue ?? '?'}`, {
        dueAt: local.loan.dueAt,
      });
    }
    if (dto.action === 'recall') return this.recall(r, actor, dto.reason);
    if (r.direction === 'borrowing' && dto.action === 'ship_home' && r.item) {
      const partner = await this.partner(r.partner);
      // recorded before the owner hears of it: its DeleteItem (which completes the request) can arrive
      // before the CheckInItem call below returns
      const shipped = await this.requests.transition(dto.id, 'shipped_home', actor, dto.reason ?? dto.action);
      await this.client.call(partner, 'CheckInItem', [itemIdEl({ agency: r.item.agency, value: r.item.barcode })], {
        queueOnFailure: true,
      });
      await this.rpc
        .call(CatalogUpdateItem, { ...r.item, status: 'in_transit', loanable: false })
        .catch(() => undefined);
      return shipped;
    }
    return this.requests.transition(dto.id, ACTION_STATE[dto.action], actor, dto.reason ?? dto.action);
  }

  /**
   * We want our copy back from the partner library (lending): RecallItem with the date the agreement's
   * recall period gives (queued and retried when they do not answer; a recall is harmless to repeat), and
   * our own loan of it to the partner library is shortened the same way.
   */
  private async recall(r: IllRequestView, actor: string, reason?: string): Promise<IllRequestView> {
    if (r.direction !== 'lending' || !r.item || !['shipped', 'recalled'].includes(r.state))
      throw new DomainError(ErrorCode.Conflict, 'only our copy at a partner library (shipped) can be recalled');
    const partner = await this.partner(r.partner);
    const days = partner.agreement.recallDays;
    const desired = new Date(Date.now() + days * 86_400_000).toISOString();
    const res = await this.client.call(
      partner,
      'RecallItem',
      [itemIdEl({ agency: r.item.agency, value: r.item.barcode }), el('DesiredDateDue', desired)],
      { queueOnFailure: true },
    );
    if (res.kind === 'problem')
      throw new DomainError(
        ErrorCode.Conflict,
        `${partner.isil} refused the recall: ${res.problem.type}${res.problem.detail ? ` (${res.problem.detail})` : ''}`,
      );
    const local = await this.rpc
      .call(LoansRecall, { item: r.item, recallDays: days, channel: 'ncip' })
      .catch((e: unknown) => {
        if (isRemote(e, ErrorCode.LoanNotFound)) return null;
        throw e;
      });
    const theirDue = res.kind === 'ok' ? textAt(res.body, 'DateDue') : undefined;
    const note =
      res.kind === 'ok'
        ? `recalled at ${partner.isil}${theirDue ? `, due there ${theirDue}` : ''}`
        : `recall queued for ${partner.isil} (${res.reason})`;
    return this.requests.transition(r.id, 'recalled', actor, reason ? `${reason}; ${note}` : note, {
      dueAt: local?.loan.dueAt ?? null,
    });
  }

  /** Our copy went out to the partner library: tell them it is coming (AcceptItem creates their temporary copy). */
  async lendingShipped(r: IllRequestView): Promise<void> {
    if (!r.item || !r.partnerRequestId) return;
    const partner = await this.partner(r.partner);
    const title =
      r.title ??
      (await this.rpc
        .call(CatalogGetItem, r.item)
        .then((i) => i.title)
        .catch(() => null));
    await this.client.call(
      partner,
      'AcceptItem',
      [
        requestIdEl({ agency: partner.isil, value: r.partnerRequestId }),
        el('RequestedActionType', 'Circulate'),
        r.patron ? userIdEl({ agency: partner.isil, value: r.patron.barcode }) : null,
        itemIdEl({ agency: r.item.agency, value: r.item.barcode }),
        r.dueAt ? el('DateForReturn', r.dueAt) : null,
        title ? el('ItemOptionalFields', [el('BibliographicDescription', [el('Title', title)])]) : null,
      ].filter((x): x is NonNullable<typeof x> => !!x),
      { queueOnFailure: true },
    );
  }

  /** Our copy is back: the partner removes its temporary copy, and the request is complete. */
  async lendingReturned(r: IllRequestView): Promise<void> {
    if (!r.item) return;
    const partner = await this.partner(r.partner);
    await this.client.call(partner, 'DeleteItem', [itemIdEl({ agency: r.item.agency, value: r.item.barcode })], {
      queueOnFailure: true,
    });
    await this.requests
      .transition(r.id, 'completed', 'circulation', 'back home; partner told to delete its temporary copy')
      .catch((e: Error) => this.logger.warn(e.message));
  }
}

export const isRemote = (e: unknown, code: string): boolean => e instanceof RemoteError && e.code === code;
