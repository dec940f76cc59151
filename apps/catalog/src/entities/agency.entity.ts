import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'agencies' })
export class AgencyEntity {
  /** ISIL, GB/T 35660.1 form: CN-320583-1-KSL */
  @PrimaryColumn('text')
  isil: string;

  @Column('text')
  name: string;

  @Column('text')
  kind: string;

  @Column('text', { default: 'Asia/Shanghai' })
  timezone: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;
}
