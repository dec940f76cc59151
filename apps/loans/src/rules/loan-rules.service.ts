import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import {
  DeleteLoanRuleResult,
  ErrorCode,
  ListLoanRulesDto,
  LoanRuleIdDto,
  LoanRuleView,
  RULE_WILDCARD,
  UpsertLoanRuleDto,
} from '@app/contracts';
import { RULE_DEFAULTS } from './loan-rule';
import { LoanRuleRepository } from './loan-rule.repository';
import { CacheInvalidationService } from '../shared/cache-invalidation.service';
import { toLoanRuleView } from './loan-rule.mapper';

const isCatchAll = (r: { scope: string; patronType: string; itemType: string }) =>
  r.scope === RULE_WILDCARD && r.patronType === RULE_WILDCARD && r.itemType === RULE_WILDCARD;

/** Managing the policy matrix (ops). Every change clears the resolved-rule caches of all replicas. */
@Injectable()
export class LoanRulesService {
  constructor(
    private readonly rules: LoanRuleRepository,
    private readonly invalidation: CacheInvalidationService,
  ) {}

  async list(dto: ListLoanRulesDto): Promise<LoanRuleView[]> {
    return (await this.rules.list(dto.scope)).map(toLoanRuleView);
  }

  async upsert(dto: UpsertLoanRuleDto): Promise<LoanRuleView> {
    const holder = await this.rules.idForKey(dto.scope, dto.patronType, dto.itemType);
    if (holder && holder !== dto.id) {
      throw new DomainError(
        ErrorCode.Conflict,
        `rule ${holder} already covers (${dto.scope}, ${dto.patronType}, ${dto.itemType}); update it instead`,
        {
          ruleId: holder,
        },
      );
    }
    const existing = await this.rules.findById(dto.id);
    // the catch-all guarantees every checkout finds a rule: it may change but never move away
    if (existing && isCatchAll(existing) && !isCatchAll(dto)) {
      throw new DomainError(
        ErrorCode.Conflict,
        `rule ${dto.id} is the network catch-all (*, *, *); its key cannot change`,
      );
    }
    // omitted optional fields take the defaults (not the previous values: a PUT replaces the whole row)
    const d = RULE_DEFAULTS;
    const saved = await this.rules.upsert({
      id: dto.id,
      scope: dto.scope,
      patronType: dto.patronType,
      itemType: dto.itemType,
      loanDays: dto.loanDays,
      maxRenewals: dto.maxRenewals,
      renewalDays: dto.renewalDays,
      maxItems: dto.maxItems,
      maxItemsPerBranch: dto.maxItemsPerBranch ?? d.maxItemsPerBranch,
      holdsAllowed: dto.holdsAllowed ?? d.holdsAllowed,
      finePerDayFen: dto.finePerDayFen ?? d.finePerDayFen,
      fineCapFen: dto.fineCapFen ?? d.fineCapFen,
      graceDays: dto.graceDays ?? d.graceDays,
      fineBlockThresholdFen: dto.fineBlockThresholdFen ?? d.fineBlockThresholdFen,
      lostItemFeeFen: dto.lostItemFeeFen ?? d.lostItemFeeFen,
      renewWithinDays: dto.renewWithinDays ?? null,
    });
    await this.invalidation.invalidate('rules');
    return toLoanRuleView(saved);
  }

  async delete(dto: LoanRuleIdDto): Promise<DeleteLoanRuleResult> {
    const existing = await this.rules.findById(dto.id);
    if (!existing) throw new DomainError(ErrorCode.NotFound, `rule ${dto.id} not found`);
    if (isCatchAll(existing))
      throw new DomainError(
        ErrorCode.Conflict,
        `rule ${dto.id} is the network catch-all (*, *, *) and cannot be deleted`,
      );
    const deleted = await this.rules.delete(dto.id);
    await this.invalidation.invalidate('rules');
    return { id: dto.id, deleted };
  }
}
