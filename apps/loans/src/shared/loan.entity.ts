import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CirculationChannel } from '@app/contracts';

/**
 * One loan of one item to one patron. Open while `returnedAt` is null; the database allows at most
 * one open loan per item (partial unique index). Title, item type and owning branch are copied from
 * the catalog at checkout so checkins and lists answer without calling the catalog again.
 */
@Entity({ name: 'loans' })
export class LoanEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text', { name: 'patron_agency' })
  patronAgency: string;

  @Column('text', { name: 'patron_barcode' })
  patronBarcode: string;

  @Column('text', { name: 'patron_type' })
  patronType: string;

  @Column('text', { name: 'item_agency' })
  itemAgency: string;

  @Column('text', { name: 'item_barcode' })
  itemBarcode: string;

  /** the catalog's item id, for joins in reports */
  @Column('uuid', { name: 'item_id' })
  itemId: string;

  @Column('text')
  title: string;

  @Column('text', { name: 'item_type' })
  itemType: string;

  @Column('text', { name: 'owning_branch' })
  owningBranch: string;

  @Column('text', { name: 'checkout_branch' })
  checkoutBranch: string;

  @Column('text')
  channel: CirculationChannel;

  @Column('text', { name: 'rule_id' })
  ruleId: string;

  @Column('timestamptz', { name: 'checked_out_at' })
  checkedOutAt: Date;

  @Column('timestamptz', { name: 'due_at' })
  dueAt: Date;

  /** local (library time zone) due date; TypeORM hydrates `date` as 'YYYY-MM-DD' */
  @Column('date', { name: 'due_date' })
  dueDate: string;

  @Column('int')
  renewals: number;

  @Column('timestamptz', { name: 'last_renewed_at', nullable: true })
  lastRenewedAt: Date | null;

  @Column('timestamptz', { name: 'returned_at', nullable: true })
  returnedAt: Date | null;

  @Column('text', { name: 'return_branch', nullable: true })
  returnBranch: string | null;

  @Column('text', { name: 'return_channel', nullable: true })
  returnChannel: CirculationChannel | null;

  /** the branch whose calendar set the due day (where the item is expected back); null: the checkout branch */
  @Column('text', { name: 'due_branch', nullable: true })
  dueBranch?: string | null;

  /** set when the loan was closed as lost (returnedAt is set at the same moment) */
  @Column('timestamptz', { name: 'lost_at', nullable: true })
  lostAt?: Date | null;

  /** the patron says they returned it: no fines accrue after this */
  @Column('timestamptz', { name: 'claimed_returned_at', nullable: true })
  claimedReturnedAt?: Date | null;

  /** a lost item that turned up again */
  @Column('timestamptz', { name: 'found_at', nullable: true })
  foundAt?: Date | null;
}
