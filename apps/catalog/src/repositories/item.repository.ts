import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { ItemEntity } from '../entities/item.entity';
import { likeEscape } from './record.repository';

export interface ItemSearch {
  agency?: string;
  barcode?: string;
  recordId?: string;
  title?: string;
  isbn?: string;
  branch?: string;
  limit: number;
  offset: number;
}

@Injectable()
export class ItemRepository {
  constructor(@InjectRepository(ItemEntity) private readonly items: Repository<ItemEntity>) {}

  async insert(manager: EntityManager, data: Partial<ItemEntity>): Promise<ItemEntity> {
    const repo = manager.getRepository(ItemEntity);
    return repo.save(repo.create(data));
  }

  findByRef(agency: string, barcode: string, manager?: EntityManager): Promise<ItemEntity | null> {
    const repo = manager ? manager.getRepository(ItemEntity) : this.items;
    return repo.findOne({ where: { agency, barcode }, relations: { record: true } });
  }

  /** Lock the row for an update in the caller's transaction. */
  lockByRef(manager: EntityManager, agency: string, barcode: string): Promise<ItemEntity | null> {
    return manager
      .getRepository(ItemEntity)
      .createQueryBuilder('i')
      .setLock('pessimistic_write')
      .where('i.agency = :agency AND i.barcode = :barcode', { agency, barcode })
      .getOne();
  }

  async save(manager: EntityManager, item: ItemEntity): Promise<void> {
    const { record: _record, ...columns } = item;
    await manager.getRepository(ItemEntity).update({ id: item.id }, columns);
  }

  /**
   * Apply a status coming from another service's event, unless a newer change is already recorded
   * (events are delivered at least once and may be replayed).
   */
  async applyStatusIfNewer(agency: string, barcode: string, status: string, at: Date, location?: string): Promise<boolean> {
    const result = await this.items
      .createQueryBuilder()
      .update(ItemEntity)
      .set({ status, statusChangedAt: at, ...(location ? { currentLocation: location } : {}) })
      .where('agency = :agency AND barcode = :barcode AND status_changed_at <= :at', { agency, barcode, at })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  async search(s: ItemSearch): Promise<[ItemEntity[], number]> {
    const qb = this.items.createQueryBuilder('i').innerJoinAndSelect('i.record', 'r');
    if (s.agency) qb.andWhere('i.agency = :agency', { agency: s.agency });
    if (s.barcode) qb.andWhere('i.barcode = :barcode', { barcode: s.barcode });
    if (s.recordId) qb.andWhere('i.record_id = :recordId', { recordId: s.recordId });
    if (s.branch) qb.andWhere('(i.current_location = :branch OR i.home_branch = :branch)', { branch: s.branch });
    if (s.isbn) qb.andWhere('r.isbn = :isbn', { isbn: s.isbn });
    if (s.title) qb.andWhere(`r.title ILIKE :title ESCAPE '\\'`, { title: `%${likeEscape(s.title)}%` });
    return qb.orderBy('i.agency', 'ASC').addOrderBy('i.barcode', 'ASC').take(s.limit).skip(s.offset).getManyAndCount();
  }
}
