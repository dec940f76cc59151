import { Injectable } from '@nestjs/common';
import { DomainError, RemoteError } from '@app/common';
import { ErrorCode, ItemView, LoanDryRunDto, LoanDryRunResult, PatronView } from '@app/contracts';
import { DataSource } from 'typeorm';
import { CalendarService } from '../calendar/calendar.service';
import { CatalogClient } from '../shared/catalog.client';
import { PatronsClient } from '../shared/patrons.client';
import { LoansEnvDto } from '../config/loans-env.dto';
import { itemRefusal, patronRefusal, Refusal } from './circulation-checks';
import { localDate } from '@app/time';
import { LoanRepository } from '../shared/loan.repository';
import { LoanPolicyService } from './loan-policy.service';
import { limitRefusal } from './loan-limits';
import { LoanLimitsRepository } from './loan-limits.repository';
import { toLoanRuleView } from './loan-rule.mapper';

const EMPTY: Omit<LoanDryRunResult, 'outcome' | 'message'> = {
  rule: null,
  dueDate: null,
  dueAt: null,
  dueBranch: null,
  dueDateMoved: false,
  limits: null,
};

/**
 * "What would happen if patron X borrowed item Y at branch Z now": the same checks, in the same order,
 * as a real checkout (patron, item, owner's rule, due day on the return branch's calendar, limits,
 * item already out), without the PIN, without locking and without writing anything.
 */
@Injectable()
export class CheckoutDryRunService {
  constructor(
    private readonly db: DataSource,
    private readonly patrons: PatronsClient,
    private readonly catalog: CatalogClient,
    private readonly policy: LoanPolicyService,
    private readonly calendars: CalendarService,
    private readonly limits: LoanLimitsRepository,
    private readonly loans: LoanRepository,
    private readonly env: LoansEnvDto,
  ) {}

  async dryRun(dto: LoanDryRunDto): Promise<LoanDryRunResult> {
    const at = dto.at ? new Date(dto.at) : new Date();
    let patron: PatronView;
    let item: ItemView;
    try {
      [patron, item] = await Promise.all([
        this.patrons.forCirculation(dto.patron).then((r) => r.patron),
        this.catalog.getItem(dto.item),
      ]);
    } catch (err) {
      // unknown patron/item are outcomes; an unreachable service is an error of the dry run itself
      if (
        (err instanceof DomainError || err instanceof RemoteError) &&
        [ErrorCode.PatronUnknown, ErrorCode.ItemUnknown].includes(err.code as ErrorCode)
      ) {
        return { outcome: err.code, message: err.message, ...EMPTY };
      }
      throw err;
    }
    const early = patronRefusal(patron, localDate(at, this.env.LIBRARY_TIMEZONE)) ?? itemRefusal(item);
    if (early) return this.refused(early);

    const rule = await this.policy.resolve({
      owningBranch: item.homeBranch,
      agency: item.agency,
      patronType: patron.patronType,
      itemType: item.itemType,
    });
    const [due, counts, holder] = await Promise.all([
      this.calendars.dueAfter(at, rule.loanDays, dto.returnBranch ?? dto.branch),
      this.limits.countOpen(this.db.manager, patron.agency, patron.barcode, item.homeBranch),
      this.loans.findOpenByItem(item),
    ]);
    const known = {
      rule: toLoanRuleView(rule),
      dueDate: due.dueDate,
      dueAt: due.dueAt.toISOString(),
      dueBranch: due.dueBranch,
      dueDateMoved: due.moved,
      limits: {
        openLoans: counts.open,
        maxItems: rule.maxItems,
        openFromOwningBranch: counts.openFromOwningBranch,
        maxItemsPerBranch: rule.maxItemsPerBranch,
      },
    };
    const limit = limitRefusal(rule, counts, item.homeBranch, `${patron.agency}/${patron.barcode}`);
    if (limit) return { ...this.refused(limit), ...known };
    if (holder)
      return {
        outcome: ErrorCode.ItemAlreadyOnLoan,
        message: `item ${item.agency}/${item.barcode} is already on loan`,
        ...known,
      };
    return { outcome: 'allowed', message: null, ...known };
  }

  private refused(r: Refusal): LoanDryRunResult {
    return { outcome: r.code, message: r.message, ...EMPTY };
  }
}
