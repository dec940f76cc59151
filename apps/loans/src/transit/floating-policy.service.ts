import { Injectable } from '@nestjs/common';
import type { FloatingRuleView } from '@app/contracts';
import { EntityManager } from 'typeorm';
import { FloatingRuleRepository } from './floating-rule.repository';
import { restingPlace } from './floating-rules';

const TTL_MS = 30_000;

/**
 * The floating table is tiny and read on every checkin, so it is cached. A change through this
 * replica applies at once; other replicas pick it up within the TTL.
 */
@Injectable()
export class FloatingPolicyService {
  private cached?: { rules: FloatingRuleView[]; expiresAt: number };

  constructor(private readonly repo: FloatingRuleRepository) {}

  /** `manager`: the caller's transaction, so a cache refresh inside a checkin never needs a second connection. */
  async rules(manager?: EntityManager): Promise<FloatingRuleView[]> {
    if (this.cached && this.cached.expiresAt > Date.now()) return this.cached.rules;
    const rules = await this.repo.all(manager);
    this.cached = { rules, expiresAt: Date.now() + TTL_MS };
    return rules;
  }

  async restingPlace(
    item: { agency: string; itemType: string; homeBranch: string },
    here: string,
    manager?: EntityManager,
  ): Promise<string> {
    return restingPlace(await this.rules(manager), item, here);
  }

  async upsert(rule: FloatingRuleView): Promise<FloatingRuleView> {
    await this.repo.upsert(rule);
    this.cached = undefined;
    return rule;
  }
}
