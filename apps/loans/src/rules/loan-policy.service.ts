import { Injectable, Optional } from '@nestjs/common';
import { DomainError, TtlCache } from '@app/common';
import { ErrorCode } from '@app/contracts';
import { EntityManager } from 'typeorm';
import { LoansEnvDto } from '../config/loans-env.dto';
import { LoanRule, LoanRuleKey, pickLoanRule } from './loan-rule';
import { CacheInvalidationService } from '../shared/cache-invalidation.service';
import { LoanRuleRepository } from './loan-rule.repository';

const MAX_CACHED_KEYS = 10_000;

/**
 * The one place that decides which loan rule applies. Checkout, renewal, dry runs, fines and holds all
 * ask here. Resolved rules are cached per key; a rule change clears the cache in every replica.
 */
@Injectable()
export class LoanPolicyService {
  private readonly cache: TtlCache<string, LoanRule>;

  constructor(
    private readonly rules: LoanRuleRepository,
    env: LoansEnvDto,
    @Optional() invalidation?: CacheInvalidationService,
  ) {
    this.cache = new TtlCache(env.LOAN_RULES_CACHE_TTL_MS, MAX_CACHED_KEYS);
    invalidation?.on('rules', () => this.clear());
  }

  /** `m`: inside a transaction, read on its connection (a cache miss must not wait for a second one). */
  async resolve(key: LoanRuleKey, m?: EntityManager): Promise<LoanRule> {
    const cacheKey = `${key.owningBranch}|${key.agency}|${key.patronType}|${key.itemType}`;
    const hit = this.cache.get(cacheKey);
    if (hit) return hit;

    const rule = pickLoanRule(await this.rules.candidates(key, m), key);
    // the migration seeds a '*','*','*' rule and deleting it is refused; reaching this means someone deleted it in SQL
    if (!rule) throw new DomainError(ErrorCode.Internal, `no loan rule matches ${cacheKey}`, { key });
    this.cache.set(cacheKey, rule);
    return rule;
  }

  clear(): void {
    this.cache.clear();
  }
}
