import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { BibRecordEntity } from '../entities/bib-record.entity';

export interface RecordSearch {
  title?: string;
  isbn?: string;
  author?: string;
  includeSuppressed?: boolean;
  limit: number;
  offset: number;
}

/** Escape LIKE wildcards typed by a user so `50%` searches for "50%". */
export const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

@Injectable()
export class RecordRepository {
  constructor(@InjectRepository(BibRecordEntity) private readonly records: Repository<BibRecordEntity>) {}

  create(data: Partial<BibRecordEntity>): Promise<BibRecordEntity> {
    return this.records.save(this.records.create(data));
  }

  async update(id: string, data: Partial<BibRecordEntity>): Promise<BibRecordEntity | null> {
    await this.records.update({ id }, data);
    return this.findById(id);
  }

  findById(id: string): Promise<BibRecordEntity | null> {
    return this.records.findOneBy({ id });
  }

  findByIsbn(isbn: string): Promise<BibRecordEntity | null> {
    return this.records.findOneBy({ isbn });
  }

  async search(s: RecordSearch): Promise<[BibRecordEntity[], number]> {
    const qb = this.records.createQueryBuilder('r');
    if (!s.includeSuppressed) qb.andWhere('NOT r.suppressed');
    if (s.isbn) qb.andWhere('r.isbn = :isbn', { isbn: s.isbn });
    if (s.title) qb.andWhere(`r.title ILIKE :title ESCAPE '\\'`, { title: `%${likeEscape(s.title)}%` });
    if (s.author) qb.andWhere(`r.author ILIKE :author ESCAPE '\\'`, { author: `%${likeEscape(s.author)}%` });
    return qb.orderBy('r.title', 'ASC').addOrderBy('r.id', 'ASC').take(s.limit).skip(s.offset).getManyAndCount();
  }
}
