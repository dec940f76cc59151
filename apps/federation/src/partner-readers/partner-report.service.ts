import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError } from '@app/common';
import {
  ErrorCode,
  EventSubjects,
  FailedExchangeView,
  IllRequestView,
  LoanEventData,
  PartnerItemReturnDto,
} from '@app/contracts';
import { FederationEnvDto } from '../config/federation-env.dto';
import { ExchangeLogService } from '../exchanges/exchange-log.service';
import { itemIdEl, requestIdEl, userIdEl } from '../ncip/ncip-message';
import { NcipClientService } from '../ncip/ncip-client.service';
import { el } from '../ncip/ncip-xml';
import { PartnerRegistryService } from '../partners/partner-registry.service';
import { IllRequestService } from '../requests/ill-request.service';

/**
 * Reports partner readers' circulation here to their home library: CheckOutItem when they borrow
 * (RequestId = our loan id, so a retry never makes a second loan there), CheckInItem when they return.
 * Changes that came from the partner over NCIP are not echoed back. When retries run out the exchange
 * waits in the failed-exchange queue; `retryFailed` sends it again (the compensation once the partner is back).
 */
@Injectable()
export class PartnerReportService {
  private readonly logger = new Logger(PartnerReportService.name);

  constructor(
    private readonly env: FederationEnvDto,
    private readonly partners: PartnerRegistryService,
    private readonly client: NcipClientService,
    private readonly exchanges: ExchangeLogService,
    private readonly requests: IllRequestService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async report(type: string, d: LoanEventData): Promise<void> {
    if (d.channel === 'ncip') return;
    const partner = await this.partners.find(d.patron.agency);
    if (!partner) return;
    const user = userIdEl({ agency: partner.isil, value: d.patron.barcode });
    const item = itemIdEl({ agency: d.item.agency, value: d.item.barcode });
    const r =
      type === EventSubjects.loanCreated
        ? await this.client.call(
            partner,
            'CheckOutItem',
            [
              user,
              item,
              requestIdEl({ agency: this.env.LIBRARY_ISIL, value: d.loanId }),
              el('DesiredDateDue', d.dueAt),
            ],
            { queueOnFailure: true },
          )
        : await this.client.call(partner, 'CheckInItem', [item], { queueOnFailure: true });
    if (r.kind === 'problem') {
      // the partner refused the report: the loan here stands (the reader has the book); a person decides
      await this.exchanges.enqueueFailure({
        partner: partner.isil,
        service: type === EventSubjects.loanCreated ? 'CheckOutItem' : 'CheckInItem',
        request: `loan ${d.loanId}: ${d.item.agency}/${d.item.barcode} for ${d.patron.barcode}`,
        reason: `refused: ${r.problem.type}`,
        attempts: 1,
        correlationId: null,
      });
    }
  }

  /** Send a queued exchange again now (a person, or the automatic retry's last word); resolved when the partner accepts it. */
  async retryFailed(id: string, actor: string): Promise<FailedExchangeView> {
    const [row] = await this.db.query(
      `SELECT partner, service, request, status, correlation_id FROM federation.failed_exchanges WHERE id = $1`,
      [id],
    );
    if (!row) throw new DomainError(ErrorCode.NotFound, `no failed exchange ${id}`);
    if (row.status === 'resolved') return this.exchanges.resolveFailed({ id, actor });
    const partner = await this.partners.find(row.partner);
    if (!partner?.ncip.endpoint) throw new DomainError(ErrorCode.Conflict, `${row.partner} has no NCIP endpoint`);
    if (!String(row.request).startsWith('<?xml'))
      throw new DomainError(
        ErrorCode.Conflict,
        'this exchange cannot be re-sent as it was; deal with it and resolve it',
      );
    const res = await this.client.resend(partner, row.service, row.request, row.correlation_id ?? id);
    if (res.kind !== 'ok') {
      await this.db.query(`UPDATE federation.failed_exchanges SET attempts = attempts + 1 WHERE id = $1`, [id]);
      throw new DomainError(
        ErrorCode.ServiceUnavailable,
        res.kind === 'problem'
          ? `${row.partner} did not accept it: ${res.problem.type}`
          : `${row.partner} still does not answer: ${res.reason}`,
      );
    }
    return this.exchanges.resolveFailed({ id, actor, note: 're-sent and accepted' });
  }

  /**
   * A partner's item (one of their readers borrowed it at their library) returned to us: the remote
   * loan closes, the owner gets CheckInItem, and the item waits for shipment home as a request in
   * state `returned` (staff move it on with ship_home / complete).
   */
  async returnPartnerItem(dto: PartnerItemReturnDto, actor: string): Promise<IllRequestView> {
    const partner = await this.partners.find(dto.agency);
    if (!partner) throw new DomainError(ErrorCode.AgencyUnknown, `${dto.agency} is not a partner`);
    const [rows] = await this.db.query(
      `UPDATE federation.remote_loans SET returned_at = now() WHERE item_agency = $1 AND item_barcode = $2 AND returned_at IS NULL RETURNING patron_barcode`,
      [dto.agency, dto.barcode],
    );
    await this.client.call(partner, 'CheckInItem', [itemIdEl({ agency: dto.agency, value: dto.barcode })], {
      queueOnFailure: true,
    });
    const open = await this.requests.findOpenByItem(dto.agency, dto.barcode);
    if (open) return this.requests.transition(open.id, 'returned', actor, 'returned here; to ship home');
    return this.requests.create(
      {
        direction: 'borrowing',
        partner: partner.isil,
        partnerRequestId: null,
        patron: rows[0] ? { agency: this.env.LIBRARY_ISIL, barcode: rows[0].patron_barcode } : null,
        item: { agency: dto.agency, barcode: dto.barcode },
        state: 'returned',
      },
      actor,
      'partner item returned here; to ship home',
    );
  }
}
