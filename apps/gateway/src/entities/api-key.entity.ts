import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An API key. Only the SHA-256 of the key is stored; `prefix` lets people tell keys apart. */
@Entity({ name: 'api_keys' })
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  /** staff | ops | device */
  @Column('text')
  role: string;

  /** device keys: the locker site the controller belongs to */
  @Column('text', { nullable: true })
  locker: string | null;

  @Column('text')
  prefix: string;

  /** hex SHA-256 of the whole key */
  @Column('text', { name: 'key_hash' })
  keyHash: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'last_used_at', nullable: true })
  lastUsedAt: Date | null;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;
}
