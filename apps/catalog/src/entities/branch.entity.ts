import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'branches' })
@Index('branches_agency_idx', ['agency'])
export class BranchEntity {
  @PrimaryColumn('text')
  code: string;

  @Column('text')
  agency: string;

  @Column('text')
  name: string;

  /** central | branch | self_service_24h | locker */
  @Column('text')
  kind: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;
}
