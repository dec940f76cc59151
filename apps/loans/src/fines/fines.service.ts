import { Injectable } from '@nestjs/common';
import { DomainError, OutboxService } from '@app/common';
import {
  CirculationChannel,
  ErrorCode,
  FinePaid,
  FineSettledEventData,
  FineWaived,
  FinesPage,
  FineStatus,
  ListFinesDto,
  PayFinesDto,
  PayFinesResult,
  WaiveFineDto,
  WaiveFineResult,
} from '@app/contracts';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { CalendarService } from '../calendar/calendar.service';
import { LoansEnvDto } from '../config/loans-env.dto';
import { localDate } from '@app/time';
import { LoanEntity } from '../shared/loan.entity';
import { LoanPolicyService } from '../rules/loan-policy.service';
import { toFineView } from './fine.mapper';
import { FineBlocksService } from './fine-blocks.service';
import { FineBalance, FineRow, FinesRepository, FineTransactionRow } from './fines.repository';
import { overdueFine } from './overdue-fine';

/** Overdue fines, payments and waivers. Every change is one transaction; the block follows after commit. */
@Injectable()
export class FinesService {
  constructor(
    private readonly db: DataSource,
    private readonly fines: FinesRepository,
    private readonly policy: LoanPolicyService,
    private readonly calendars: CalendarService,
    private readonly blocks: FineBlocksService,
    private readonly env: LoansEnvDto,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * Inside the caller's transaction: charge the overdue fine of a loan that just closed (returned, or
   * lost). Fines stop at the claimed-returned date when there is one. The rule is the item owner's
   * rule as it stands now; the calendar is that of `branch` (where it came back; for a lost item, the
   * branch it was due at). Null when nothing is owed.
   */
  async assessOverdue(m: EntityManager, loan: LoanEntity, branch: string, at: Date): Promise<FineRow | null> {
    const tz = this.env.LIBRARY_TIMEZONE;
    const stop = loan.claimedReturnedAt && loan.claimedReturnedAt < at ? loan.claimedReturnedAt : at;
    const stopDate = localDate(stop, tz);
    if (stopDate <= loan.dueDate) return null; // the common case costs nothing
    const rule = await this.policy.resolve(
      {
        owningBranch: loan.owningBranch,
        agency: loan.itemAgency,
        patronType: loan.patronType,
        itemType: loan.itemType,
      },
      m,
    );
    if (rule.finePerDayFen <= 0) return null;
    const fine = overdueFine(rule, loan.dueDate, stopDate, await this.calendars.calendarFor(branch, m));
    if (fine.amountFen <= 0) return null;
    const capped = rule.fineCapFen > 0 && fine.chargeableDays * rule.finePerDayFen > rule.fineCapFen;
    return this.fines.insert(
      m,
      {
        id: randomUUID(),
        patronAgency: loan.patronAgency,
        patronBarcode: loan.patronBarcode,
        loanId: loan.id,
        itemAgency: loan.itemAgency,
        itemBarcode: loan.itemBarcode,
        title: loan.title,
        kind: 'overdue',
        amountFen: fine.amountFen,
        chargeableDays: fine.chargeableDays,
        blockThresholdFen: rule.fineBlockThresholdFen,
        note: `due ${loan.dueDate}, ${fine.chargeableDays} open day(s) late at ${branch} × ${rule.finePerDayFen} fen (rule ${rule.id}${capped ? `, capped at ${rule.fineCapFen}` : ''})`,
      },
      at,
    );
  }

  /** After a commit that charged the patron: set the 'fines' block if they reached the threshold. */
  async afterCharged(patron: { agency: string; barcode: string }): Promise<boolean | null> {
    return this.blocks.sync(patron, await this.fines.balance(patron.agency, patron.barcode), 'charged');
  }

  outstanding(agency: string, barcode: string): Promise<FineBalance> {
    return this.fines.balance(agency, barcode);
  }

  async list(dto: ListFinesDto): Promise<FinesPage> {
    const limit = dto.limit ?? 50;
    const offset = dto.offset ?? 0;
    const [[rows, total], balance] = await Promise.all([
      this.fines.list(dto.patron.agency, dto.patron.barcode, dto.status ?? 'open', limit, offset),
      this.fines.balance(dto.patron.agency, dto.patron.barcode),
    ]);
    return { items: rows.map(toFineView), total, limit, offset, outstandingFen: balance.outstandingFen };
  }

  /** Pay `amountFen` towards one fine or the patron's open fines, oldest first; idempotent per transaction id. */
  async pay(dto: PayFinesDto): Promise<PayFinesResult> {
    const { agency, barcode } = dto.patron;
    const now = new Date();
    const outcome = await this.db.transaction(async (m) => {
      await this.fines.lockPatron(m, agency, barcode);
      if (dto.transactionId) {
        const earlier = await this.fines.paymentsWithTransactionId(m, agency, barcode, dto.transactionId);
        if (earlier.length > 0) {
          return {
            replayed: true,
            applied: earlier.map((t) => ({
              fineId: t.fineId,
              amountFen: t.amountFen,
              outstandingFen: t.outstandingFen,
              status: t.status,
            })),
            balance: await this.fines.balance(agency, barcode, m),
          };
        }
      }
      const open = await this.fines.lockOpen(m, agency, barcode, dto.fineId);
      if (dto.fineId && open.length === 0) {
        const fine = await this.fines.find(dto.fineId, m);
        if (!fine || fine.patronAgency !== agency || fine.patronBarcode !== barcode)
          throw new DomainError(ErrorCode.FineNotFound, `fine ${dto.fineId} not found for ${agency}/${barcode}`);
        throw new DomainError(ErrorCode.Conflict, `fine ${dto.fineId} is already ${fine.status}`, {
          status: fine.status,
        });
      }
      const owed = open.reduce((n, f) => n + f.amountFen - f.paidFen - f.waivedFen, 0);
      if (dto.amountFen > owed) {
        throw new DomainError(
          ErrorCode.PaymentExceedsBalance,
          `payment of ${dto.amountFen} fen exceeds the ${owed} fen owed`,
          { owedFen: owed, amountFen: dto.amountFen },
        );
      }
      let left = dto.amountFen;
      const applied: PayFinesResult['applied'] = [];
      for (const f of open) {
        if (left === 0) break;
        const part = Math.min(left, f.amountFen - f.paidFen - f.waivedFen);
        const after = await this.fines.settle(m, f.id, part, 0, now);
        const movement: FineTransactionRow = {
          id: randomUUID(),
          fineId: f.id,
          patronAgency: agency,
          patronBarcode: barcode,
          kind: 'payment',
          amountFen: part,
          paymentType: dto.paymentType,
          transactionId: dto.transactionId ?? null,
          branch: dto.branch ?? null,
          channel: dto.channel ?? 'api',
          actor: dto.actor ?? null,
          note: null,
        };
        await this.fines.insertTransaction(m, movement, now);
        await this.outbox.add(m, FinePaid, fineEventData(after, movement), now);
        applied.push({
          fineId: f.id,
          amountFen: part,
          outstandingFen: after.amountFen - after.paidFen - after.waivedFen,
          status: after.status,
        });
        left -= part;
      }
      return { replayed: false, applied, balance: await this.fines.balance(agency, barcode, m) };
    });
    if (!outcome.replayed) this.outbox.notifyCommitted();
    const finesBlock = await this.blocks.sync(dto.patron, outcome.balance, 'reduced');
    return {
      patron: { agency, barcode },
      paidFen: outcome.applied.reduce((n, a) => n + a.amountFen, 0),
      applied: outcome.applied,
      outstandingFen: outcome.balance.outstandingFen,
      transactionId: dto.transactionId ?? null,
      replayed: outcome.replayed,
      finesBlock,
    };
  }

  async waive(dto: WaiveFineDto): Promise<WaiveFineResult> {
    const now = new Date();
    const { fine, balance } = await this.db.transaction(async (m) => {
      const found = await this.fines.find(dto.fineId, m);
      if (!found) throw new DomainError(ErrorCode.FineNotFound, `fine ${dto.fineId} not found`);
      await this.fines.lockPatron(m, found.patronAgency, found.patronBarcode);
      const current = (await this.fines.find(dto.fineId, m, true))!;
      return this.waiveLocked(m, current, dto.amountFen, dto.reason, dto.actor ?? null, now);
    });
    this.outbox.notifyCommitted();
    const finesBlock = await this.blocks.sync(
      { agency: fine.patronAgency, barcode: fine.patronBarcode },
      balance,
      'reduced',
    );
    return { fine: toFineView(fine), outstandingFen: balance.outstandingFen, finesBlock };
  }

  /**
   * Waive (part of) a fine already locked in the caller's transaction; its fine-waived event goes in the
   * same transaction (the caller calls `outbox.notifyCommitted()` after the commit).
   */
  async waiveLocked(
    m: EntityManager,
    fine: FineRow,
    amountFen: number | undefined,
    reason: string,
    actor: string | null,
    at: Date,
    where: { branch: string | null; channel: CirculationChannel | null } = { branch: null, channel: null },
  ): Promise<{ fine: FineRow; balance: FineBalance }> {
    const owed = fine.amountFen - fine.paidFen - fine.waivedFen;
    if (fine.status !== 'open')
      throw new DomainError(ErrorCode.Conflict, `fine ${fine.id} is already ${fine.status}`, {
        status: fine.status as FineStatus,
      });
    const amount = amountFen ?? owed;
    if (amount > owed)
      throw new DomainError(
        ErrorCode.PaymentExceedsBalance,
        `cannot waive ${amount} fen: ${owed} fen is owed on this fine`,
        { owedFen: owed },
      );
    const after = await this.fines.settle(m, fine.id, 0, amount, at);
    const movement: FineTransactionRow = {
      id: randomUUID(),
      fineId: fine.id,
      patronAgency: fine.patronAgency,
      patronBarcode: fine.patronBarcode,
      kind: 'waiver',
      amountFen: amount,
      paymentType: null,
      transactionId: null,
      branch: where.branch,
      channel: where.channel,
      actor,
      note: reason,
    };
    await this.fines.insertTransaction(m, movement, at);
    await this.outbox.add(m, FineWaived, fineEventData(after, movement), at);
    return { fine: after, balance: await this.fines.balance(fine.patronAgency, fine.patronBarcode, m) };
  }
}

/** The statistics event of one money movement on a fine (no actor, no note: who and why stay in loans). */
export function fineEventData(fine: FineRow, t: FineTransactionRow): FineSettledEventData {
  return {
    fineTransactionId: t.id,
    fineId: fine.id,
    fineKind: fine.kind,
    patron: { agency: t.patronAgency, barcode: t.patronBarcode },
    item: fine.itemAgency && fine.itemBarcode ? { agency: fine.itemAgency, barcode: fine.itemBarcode } : null,
    loanId: fine.loanId,
    amountFen: t.amountFen,
    outstandingFen: fine.amountFen - fine.paidFen - fine.waivedFen,
    paymentType: t.paymentType,
    branch: t.branch,
    channel: (t.channel as CirculationChannel | null) ?? null,
  };
}
