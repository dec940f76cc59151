import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A row of the loan policy matrix; see domain/loan-rule.ts for how the most specific one is chosen. */
@Entity({ name: 'loan_rules' })
export class LoanRuleEntity {
  @PrimaryColumn('text')
  id: string;

  /** owning branch code, owning agency ISIL, or '*' */
  @Column('text')
  scope: string;

  @Column('text', { name: 'patron_type' })
  patronType: string;

  @Column('text', { name: 'item_type' })
  itemType: string;

  @Column('int', { name: 'loan_days' })
  loanDays: number;

  @Column('int', { name: 'max_items' })
  maxItems: number;

  @Column('int', { name: 'max_items_per_branch', nullable: true })
  maxItemsPerBranch: number | null;

  @Column('int', { name: 'max_renewals' })
  maxRenewals: number;

  @Column('int', { name: 'renewal_days' })
  renewalDays: number;

  @Column('boolean', { name: 'holds_allowed' })
  holdsAllowed: boolean;

  @Column('int', { name: 'fine_per_day_fen' })
  finePerDayFen: number;

  @Column('int', { name: 'fine_cap_fen' })
  fineCapFen: number;

  @Column('int', { name: 'grace_days' })
  graceDays: number;

  @Column('int', { name: 'fine_block_threshold_fen', nullable: true })
  fineBlockThresholdFen: number | null;

  @Column('int', { name: 'lost_item_fee_fen' })
  lostItemFeeFen: number;

  @Column('int', { name: 'renew_within_days', nullable: true })
  renewWithinDays: number | null;
}
