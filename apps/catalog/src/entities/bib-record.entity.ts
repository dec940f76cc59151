import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'records' })
export class BibRecordEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  title: string;

  @Column('text', { nullable: true })
  author: string | null;

  @Column('text', { nullable: true })
  isbn: string | null;

  @Column('text', { nullable: true })
  publisher: string | null;

  @Column('int', { nullable: true })
  year: number | null;

  @Column('text', { name: 'clc_call_number', nullable: true })
  clcCallNumber: string | null;

  /** kept out of reader-facing search (the stub record of a temporary interlibrary copy) */
  @Column('boolean', { default: false })
  suppressed: boolean;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;
}
