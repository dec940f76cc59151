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

  @Column('int', { name: 'max_renewals' })
  maxRenewals: number;

  @Column('int', { name: 'renewal_days' })
  renewalDays: number;
}
