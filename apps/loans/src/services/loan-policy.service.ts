import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { ErrorCode } from '@app/contracts';
import { LoansEnvDto } from '../config/loans-env.dto';
import { LoanRule, LoanRuleKey, pickLoanRule } from '../domain/loan-rule';
import { LoanRuleRepository } from '../repositories/loan-rule.repository';

const MAX_CACHED_KEYS = 10_000;

/**
 * The one place that decides which loan rule applies. Checkout and renewal both ask here, so the
 * policy can grow (calendars, holds, patron-home-branch scopes) without touching the use cases.
 */
@Injectable()
export class LoanPolicyService {
  private readonly cache = new Map<string, { rule: LoanRule; expiresAt: number }>();

  constructor(
    private readonly rules: LoanRuleRepository,
    private readonly env: LoansEnvDto,
  ) {}

  async resolve(key: LoanRuleKey): Promise<LoanRule> {
    const ttl = this.env.LOAN_RULES_CACHE_TTL_MS;
    const cacheKey = `${key.owningBranch}|${key.agency}|${key.patronType}|${key.itemType}`;
    const hit = this.cache.get(cacheKey);
    if (hit && hit.expiresAt > Date.now()) return hit.rule;

    const rule = pickLoanRule(await this.rules.candidates(key), key);
    // the migration seeds a '*','*','*' rule; reaching this means someone deleted it
    if (!rule) throw new DomainError(ErrorCode.Internal, `no loan rule matches ${cacheKey}`, { key });
    if (ttl > 0) {
      if (this.cache.size >= MAX_CACHED_KEYS) this.cache.clear();
      this.cache.set(cacheKey, { rule, expiresAt: Date.now() + ttl });
    }
    return rule;
  }
}
