import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { ANY, LoanRule, LoanRuleKey } from './loan-rule';
import { LoanRuleEntity } from './loan-rule.entity';

const RULE_COLUMNS = `id, scope, patron_type AS "patronType", item_type AS "itemType", loan_days AS "loanDays", max_items AS "maxItems",
  max_items_per_branch AS "maxItemsPerBranch", max_renewals AS "maxRenewals", renewal_days AS "renewalDays",
  holds_allowed AS "holdsAllowed", fine_per_day_fen AS "finePerDayFen", fine_cap_fen AS "fineCapFen", grace_days AS "graceDays",
  fine_block_threshold_fen AS "fineBlockThresholdFen", lost_item_fee_fen AS "lostItemFeeFen",
  renew_within_days AS "renewWithinDays", updated_at AS "updatedAt"`;

export type StoredLoanRule = LoanRule & { updatedAt: Date };

@Injectable()
export class LoanRuleRepository {
  constructor(@InjectRepository(LoanRuleEntity) private readonly rules: Repository<LoanRuleEntity>) {}

  /** Every rule that could match the key (at most 3×2×2 rows), in one lookup on loan_rules_key. */
  candidates(key: LoanRuleKey, m?: EntityManager): Promise<LoanRuleEntity[]> {
    return (m ? m.getRepository(LoanRuleEntity) : this.rules).find({
      where: {
        scope: In([key.owningBranch, key.agency, ANY]),
        patronType: In([key.patronType, ANY]),
        itemType: In([key.itemType, ANY]),
      },
    });
  }

  list(scope?: string): Promise<StoredLoanRule[]> {
    return this.rules.query(
      `SELECT ${RULE_COLUMNS} FROM loans.loan_rules ${scope ? 'WHERE scope = $1' : ''}
       ORDER BY (scope = '*'), scope, (patron_type = '*'), patron_type, (item_type = '*'), item_type`,
      scope ? [scope] : [],
    );
  }

  async findById(id: string): Promise<StoredLoanRule | null> {
    const rows = await this.rules.query(`SELECT ${RULE_COLUMNS} FROM loans.loan_rules WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** The id of the rule holding this key, if any (the key is unique: loan_rules_key). */
  async idForKey(scope: string, patronType: string, itemType: string): Promise<string | null> {
    const rows = await this.rules.query(
      `SELECT id FROM loans.loan_rules WHERE scope = $1 AND patron_type = $2 AND item_type = $3`,
      [scope, patronType, itemType],
    );
    return rows[0]?.id ?? null;
  }

  async upsert(r: LoanRule): Promise<StoredLoanRule> {
    const [row] = await this.rules.query(
      `INSERT INTO loans.loan_rules (id, scope, patron_type, item_type, loan_days, max_items, max_items_per_branch, max_renewals,
         renewal_days, holds_allowed, fine_per_day_fen, fine_cap_fen, grace_days, fine_block_threshold_fen, lost_item_fee_fen, renew_within_days)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       ON CONFLICT (id) DO UPDATE SET scope = EXCLUDED.scope, patron_type = EXCLUDED.patron_type, item_type = EXCLUDED.item_type,
         loan_days = EXCLUDED.loan_days, max_items = EXCLUDED.max_items, max_items_per_branch = EXCLUDED.max_items_per_branch,
         max_renewals = EXCLUDED.max_renewals, renewal_days = EXCLUDED.renewal_days, holds_allowed = EXCLUDED.holds_allowed,
         fine_per_day_fen = EXCLUDED.fine_per_day_fen, fine_cap_fen = EXCLUDED.fine_cap_fen, grace_days = EXCLUDED.grace_days,
         fine_block_threshold_fen = EXCLUDED.fine_block_threshold_fen, lost_item_fee_fen = EXCLUDED.lost_item_fee_fen,
         renew_within_days = EXCLUDED.renew_within_days, updated_at = now()
       RETURNING ${RULE_COLUMNS}`,
      [
        r.id,
        r.scope,
        r.patronType,
        r.itemType,
        r.loanDays,
        r.maxItems,
        r.maxItemsPerBranch,
        r.maxRenewals,
        r.renewalDays,
        r.holdsAllowed,
        r.finePerDayFen,
        r.fineCapFen,
        r.graceDays,
        r.fineBlockThresholdFen,
        r.lostItemFeeFen,
        r.renewWithinDays ?? null,
      ],
    );
    return row;
  }

  async delete(id: string): Promise<boolean> {
    const [, affected] = await this.rules.query(`DELETE FROM loans.loan_rules WHERE id = $1`, [id]);
    return affected > 0;
  }
}
