import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { BibRecordEntity } from './bib-record.entity';

/** A physical copy. Identified by (owning agency, barcode): barcodes collide across libraries. */
@Entity({ name: 'items' })
export class ItemEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  agency: string;

  @Column('text')
  barcode: string;

  @Column('uuid', { name: 'record_id' })
  recordId: string;

  @ManyToOne(() => BibRecordEntity, { eager: false })
  @JoinColumn({ name: 'record_id' })
  record?: BibRecordEntity;

  @Column('text', { name: 'item_type' })
  itemType: string;

  @Column('text', { name: 'home_branch' })
  homeBranch: string;

  @Column('text', { name: 'current_location' })
  currentLocation: string;

  @Column('text', { name: 'shelf_location', nullable: true })
  shelfLocation: string | null;

  @Column('text')
  status: string;

  @Column('boolean', { default: true })
  loanable: boolean;

  /** kept out of reader-facing search (a partner's temporary interlibrary copy); found by barcode */
  @Column('boolean', { default: false })
  suppressed: boolean;

  @Column('int', { name: 'price_fen', nullable: true })
  priceFen: number | null;

  /** when `status` last changed; events older than this are ignored (at-least-once delivery) */
  @Column('timestamptz', { name: 'status_changed_at' })
  statusChangedAt: Date;

  /** raised by every change of the row; the item events carry it (newer state, higher version) */
  @Column('int', { default: 1 })
  version: number;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;
}
