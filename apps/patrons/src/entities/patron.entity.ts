import type { PatronBlockDetail, PatronBlockKind } from '@app/contracts';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A library card holder. Identified by (agency ISIL, card barcode): card numbers collide across libraries. */
@Entity({ name: 'patrons' })
export class PatronEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  agency: string;

  @Column('text')
  barcode: string;

  @Column('text')
  name: string;

  @Column('text', { name: 'patron_type' })
  patronType: string;

  @Column('text', { name: 'home_branch' })
  homeBranch: string;

  /** a calendar date (YYYY-MM-DD) in the library's zone; TypeORM hydrates `date` as a string */
  @Column('date', { name: 'card_expires_on' })
  cardExpiresOn: string;

  @Column('text')
  status: string;

  /** active block kinds; the array is what circulation checks, one row read */
  @Column('text', { array: true, default: () => "'{}'" })
  blocks: string[];

  @Column('jsonb', { name: 'block_details', default: () => "'{}'" })
  blockDetails: Partial<Record<PatronBlockKind, PatronBlockDetail>>;

  /** `scrypt$N$r$p$<salt b64>$<key b64>`; never leaves this service */
  @Column('text', { name: 'pin_hash' })
  pinHash: string;

  /** wrong PINs in the current window; on the row so every replica sees the same count */
  @Column('int', { name: 'pin_failed_count', default: 0 })
  pinFailedCount: number;

  @Column('timestamptz', { name: 'pin_failed_window_start', nullable: true })
  pinFailedWindowStart: Date | null;

  @Column('timestamptz', { name: 'pin_changed_at' })
  pinChangedAt: Date;

  @Column('text', { nullable: true })
  email: string | null;

  @Column('text', { nullable: true })
  phone: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;
}
