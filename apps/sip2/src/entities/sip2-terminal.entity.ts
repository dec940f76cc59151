import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A SIP2 terminal account (kiosk, 24-hour library, smart locker): one 93 login and its session settings. */
@Entity({ name: 'terminals' })
export class Sip2TerminalEntity {
  @PrimaryColumn('text')
  login: string;

  /** scrypt$N$r$p$salt$hash (never leaves the service) */
  @Column('text', { name: 'password_hash' })
  passwordHash: string;

  @Column('text', { name: 'institution_id' })
  institutionId: string;

  @Column('text')
  location: string;

  @Column('text')
  charset: string;

  @Column('text')
  terminator: string;

  @Column('text', { name: 'field_delimiter' })
  fieldDelimiter: string;

  @Column('text', { name: 'error_detection' })
  errorDetection: string;

  @Column('boolean', { name: 'allow_sc_status_before_login' })
  allowScStatusBeforeLogin: boolean;

  @Column('int', { name: 'login_timeout_seconds' })
  loginTimeoutSeconds: number;

  @Column('int', { name: 'idle_timeout_seconds' })
  idleTimeoutSeconds: number;

  @Column('boolean')
  enabled: boolean;

  @Column('text', { nullable: true })
  description: string | null;

  // profile (docs/sip2.md §2.1)
  @Column('boolean', { name: 'checkin_not_on_loan_ok' })
  checkinNotOnLoanOk: boolean;

  @Column('boolean', { name: 'checkin_traps_holds' })
  checkinTrapsHolds: boolean;

  @Column('boolean', { name: 'contact_without_pin' })
  contactWithoutPin: boolean;

  @Column('text', { name: 'language_field' })
  languageField: string;

  @Column('text', { name: 'screen_language' })
  screenLanguage: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;
}
