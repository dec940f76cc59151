import { Injectable } from '@nestjs/common';
import { DomainError, OutboxService } from '@app/common';
import {
  CirculationChannel,
  ClaimReturnedDto,
  ClaimReturnedResult,
  ErrorCode,
  ItemRef,
  LoanClaimedReturned,
  LoanLost,
  LostItemFound,
  MarkLostDto,
  MarkLostResult,
} from '@app/contracts';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CatalogClient } from '../shared/catalog.client';
import { LoanEntity } from '../shared/loan.entity';
import { LoanRepository } from '../shared/loan.repository';
import { LoanPolicyService } from '../rules/loan-policy.service';
import { toLoanEventData, toLoanView } from '../shared/loan.mapper';
import { toFineView } from './fine.mapper';
import { FineBlocksService } from './fine-blocks.service';
import { FineRow, FinesRepository } from './fines.repository';
import { FinesService } from './fines.service';
import { LostItemsRepository } from './lost-items.repository';

export interface FoundOnCheckin {
  loanId: string;
  /** 'lost_item_found', and 'lost_fee_paid_refund_due' when the replacement fee was (partly) paid */
  alerts: string[];
  waivedFen: number;
}

/**
 * Lost and claimed-returned loans.
 *   - mark lost: the loan closes as lost, the replacement fee (catalog price, else the rule's
 *     lostItemFeeFen) is charged, plus the overdue fine up to today; catalog → 'lost' (event).
 *   - claim returned: the loan stays open but flagged; fines stop at the claim; catalog → 'claimed_returned'.
 *   - a lost item checked in later: the loan is marked found, an unpaid replacement fee is waived
 *     (the overdue fine stays), a paid one is left for staff to refund (alert); catalog → 'available'.
 */
@Injectable()
export class LostItemsService {
  constructor(
    private readonly db: DataSource,
    private readonly loans: LoanRepository,
    private readonly lost: LostItemsRepository,
    private readonly fineRows: FinesRepository,
    private readonly fines: FinesService,
    private readonly blocks: FineBlocksService,
    private readonly policy: LoanPolicyService,
    private readonly catalog: CatalogClient,
    private readonly outbox: OutboxService,
  ) {}

  async markLost(dto: MarkLostDto): Promise<MarkLostResult> {
    const current = await this.openLoanOf(dto);
    const [rule, priceFen] = await Promise.all([
      this.policy.resolve({
        owningBranch: current.owningBranch,
        agency: current.itemAgency,
        patronType: current.patronType,
        itemType: current.itemType,
      }),
      // no price (or no catalog right now): the rule's default replacement fee
      this.catalog.getItem({ agency: current.itemAgency, barcode: current.itemBarcode }).then(
        (i) => i.priceFen,
        () => null,
      ),
    ]);
    const feeFen = priceFen ?? rule.lostItemFeeFen;
    const now = new Date();
    const { loan, charged } = await this.db.transaction(async (m) => {
      const locked = await this.loans.findOpenByItem(dto.item, m, true);
      if (!locked || locked.id !== current.id) throw this.notFound(dto);
      const closed = (await this.lost.closeAsLost(m, locked.id, now, dto.branch ?? null))!;
      const charged: FineRow[] = [];
      const overdue = await this.fines.assessOverdue(m, closed, closed.dueBranch ?? closed.checkoutBranch, now);
      if (overdue) charged.push(overdue);
      if (feeFen > 0) {
        const fee = await this.fineRows.insert(
          m,
          {
            id: randomUUID(),
            patronAgency: closed.patronAgency,
            patronBarcode: closed.patronBarcode,
            loanId: closed.id,
            itemAgency: closed.itemAgency,
            itemBarcode: closed.itemBarcode,
            title: closed.title,
            kind: 'lost_item',
            amountFen: feeFen,
            chargeableDays: null,
            blockThresholdFen: rule.fineBlockThresholdFen,
            note:
              priceFen !== null
                ? `replacement: catalog price ${priceFen} fen`
                : `replacement: rule ${rule.id} default ${rule.lostItemFeeFen} fen`,
          },
          now,
        );
        if (fee) charged.push(fee);
      }
      await this.outbox.add(m, LoanLost, toLoanEventData(closed, dto.branch ?? closed.checkoutBranch, 'api'), now);
      return { loan: closed, charged };
    });
    this.outbox.notifyCommitted();
    await this.fines.afterCharged({ agency: loan.patronAgency, barcode: loan.patronBarcode });
    const balance = await this.fines.outstanding(loan.patronAgency, loan.patronBarcode);
    return { loan: toLoanView(loan, now), fines: charged.map(toFineView), outstandingFen: balance.outstandingFen };
  }

  async claimReturned(dto: ClaimReturnedDto): Promise<ClaimReturnedResult> {
    const current = await this.openLoanOf(dto);
    const now = new Date();
    const loan = await this.db.transaction(async (m) => {
      const flagged = await this.lost.flagClaimedReturned(m, current.id, now);
      if (!flagged) throw this.notFound(dto);
      await this.outbox.add(
        m,
        LoanClaimedReturned,
        toLoanEventData(flagged, dto.branch ?? flagged.checkoutBranch, 'api'),
        now,
      );
      return flagged;
    });
    this.outbox.notifyCommitted();
    return { loan: toLoanView(loan, now) };
  }

  /**
   * Called by checkin for an item that was not on loan: was it lost? One indexed probe when not
   * (loans_lost_item_idx); null then.
   */
  async foundOnCheckin(
    item: ItemRef,
    branch: string,
    channel: CirculationChannel,
    at: Date,
  ): Promise<FoundOnCheckin | null> {
    if (!(await this.lost.hasLostUnfound(item))) return null;
    const result = await this.db.transaction(async (m) => {
      const loan = await this.lost.lockLostUnfound(m, item);
      if (!loan) return null;
      await this.lost.markFound(m, loan.id, at);
      const fee = await this.fineRows.findForLoan(m, loan.id, 'lost_item');
      const alerts = ['lost_item_found'];
      let waivedFen = 0;
      let balance = null;
      if (fee && fee.status === 'open' && fee.paidFen === 0) {
        const waived = await this.fines.waiveLocked(m, fee, undefined, 'lost item found and returned', 'loans', at, {
          branch,
          channel,
        });
        waivedFen = waived.fine.waivedFen - fee.waivedFen;
        balance = waived.balance;
      } else if (fee && fee.paidFen > 0) {
        alerts.push('lost_fee_paid_refund_due');
      }
      await this.outbox.add(
        m,
        LostItemFound,
        { ...toLoanEventData(loan, branch, channel), returnedAt: at.toISOString() },
        at,
      );
      return { found: { loanId: loan.id, alerts, waivedFen }, loan, balance };
    });
    if (!result) return null;
    this.outbox.notifyCommitted();
    if (result.balance)
      await this.blocks.sync(
        { agency: result.loan.patronAgency, barcode: result.loan.patronBarcode },
        result.balance,
        'reduced',
      );
    return result.found;
  }

  private async openLoanOf(dto: MarkLostDto): Promise<LoanEntity> {
    const loan = await this.loans.findOpenByItem(dto.item);
    if (!loan || (dto.patron && (loan.patronAgency !== dto.patron.agency || loan.patronBarcode !== dto.patron.barcode)))
      throw this.notFound(dto);
    return loan;
  }

  private notFound(dto: MarkLostDto): DomainError {
    const whose = dto.patron ? ` for patron ${dto.patron.agency}/${dto.patron.barcode}` : '';
    return new DomainError(ErrorCode.LoanNotFound, `no open loan of ${dto.item.agency}/${dto.item.barcode}${whose}`);
  }
}
