import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Sip2TerminalEntity } from '../entities/sip2-terminal.entity';

export interface TerminalSearch {
  enabled?: boolean;
  institutionId?: string;
  limit: number;
  offset: number;
}

@Injectable()
export class Sip2TerminalRepository {
  constructor(@InjectRepository(Sip2TerminalEntity) private readonly terminals: Repository<Sip2TerminalEntity>) {}

  findByLogin(login: string): Promise<Sip2TerminalEntity | null> {
    return this.terminals.findOne({ where: { login } });
  }

  /** Insert or update by login in one statement, so concurrent seeding of the same login cannot conflict. */
  async upsert(row: Omit<Sip2TerminalEntity, 'createdAt' | 'updatedAt'>): Promise<Sip2TerminalEntity> {
    await this.terminals
      .createQueryBuilder()
      .insert()
      .into(Sip2TerminalEntity)
      .values(row)
      .orUpdate(
        [
          'password_hash',
          'institution_id',
          'location',
          'charset',
          'terminator',
          'field_delimiter',
          'error_detection',
          'allow_sc_status_before_login',
          'login_timeout_seconds',
          'idle_timeout_seconds',
          'enabled',
          'description',
          'updated_at',
          'checkin_not_on_loan_ok',
          'checkin_traps_holds',
          'contact_without_pin',
          'language_field',
          'screen_language',
        ],
        ['login'],
      )
      .execute();
    return (await this.findByLogin(row.login))!;
  }

  async setEnabled(login: string, enabled: boolean): Promise<boolean> {
    const result = await this.terminals.update({ login }, { enabled });
    return (result.affected ?? 0) > 0;
  }

  search(s: TerminalSearch): Promise<[Sip2TerminalEntity[], number]> {
    const qb = this.terminals.createQueryBuilder('t');
    if (s.enabled !== undefined) qb.andWhere('t.enabled = :enabled', { enabled: s.enabled });
    if (s.institutionId) qb.andWhere('t.institution_id = :inst', { inst: s.institutionId });
    return qb.orderBy('t.login', 'ASC').take(s.limit).skip(s.offset).getManyAndCount();
  }

  /** Enabled accounts that accept 99 before 93, in login order (Evergreen answers as the first one). */
  findScStatusBeforeLogin(): Promise<Sip2TerminalEntity[]> {
    return this.terminals.find({
      where: { enabled: true, allowScStatusBeforeLogin: true },
      order: { login: 'ASC' },
      take: 10,
    });
  }
}
