import { Injectable } from '@nestjs/common';
import type { FloatingRuleView } from '@app/contracts';
import { DataSource, EntityManager } from 'typeorm';

@Injectable()
export class FloatingRuleRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Pass the caller's transaction when inside one: a second pool connection could deadlock a full pool. */
  all(manager?: EntityManager): Promise<FloatingRuleView[]> {
    return (manager ?? this.dataSource).query(
      `SELECT agency, item_type AS "itemType", floats FROM loans.floating_rules ORDER BY agency, item_type`,
    );
  }

  async upsert(rule: FloatingRuleView): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO loans.floating_rules (agency, item_type, floats) VALUES ($1, $2, $3)
       ON CONFLICT (agency, item_type) DO UPDATE SET floats = EXCLUDED.floats, updated_at = now()`,
      [rule.agency, rule.itemType, rule.floats],
    );
  }
}
