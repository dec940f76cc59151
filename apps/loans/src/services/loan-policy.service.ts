import { Injectable, Optional } from '@nestjs/common';
import { DomainError } from '@app/common';
import { ErrorCode } from '@app/contracts';
import { EntityManager } from 'typeorm';
import { LoansEnvDto } from '../config/loans-env.dto';
import { LoanRule, LoanRuleKey, pickLoanRule } from '../domain/loan-rule';
import { CacheInvalidationService } from '../policy/cache-invalidation.service';
import { LoanRuleRepository } from '../repositories/loan-rule.repository';

const MAX_CACHED_KEYS = 10_000;

/**
 * The one place that decides which loan rule applies. Checkout, renewal, dry runs, fines and holds all
 * ask here. Resolved rules are cached per key; a rule change clears the cache in every replica.
 */
@Injectable()
export class LoanPolicyService {
  private readonly cache = new Map<string, { rule: LoanRule; expiresAt: number }>();

  constructor(
    private readonly rules: LoanRuleRepository,
    private readonly env: LoansEnvDto,
    @Optional() invalidation?: CacheInvalidationService,
  ) {
    invalidation?.on('rules', () => this.clear());
  }

  /** `m`: inside a transaction, read on its connection (a cache miss must not wait for a second one). */
  async resolve(key: LoanRuleKey, m?: EntityManager): Promise<LoanRule> {
    const ttl = this.env.LOAN_RULES_CACHE_TTL_MS;
    const cacheKey = `${key.owningBranch}|${key.agency}|${key.patronType}|${key.itemType}`;
    const hit = this.cache.get(cacheKey);
    if (hit && hit.expiresAt > Date.now()) return hit.rule;

    const rule = pickLoanRule(await this.rules.candidates(key, m), key);
    // the migration seeds a '*','*','*' rule and deleting it is refused; reaching this means someone deleted it in SQL
    if (!rule) throw new DomainError(ErrorCode.Internal, `no loan rule matches ${cacheKey}`, { key });
    if (ttl > 0) {
      if (this.cache.size >= MAX_CACHED_KEYS) this.cache.clear();
      this.cache.set(cacheKey, { rule, expiresAt: Date.now() + ttl });
    }
    return rule;
  }

  clear(): void {
    this.cache.clear();
  }
}
