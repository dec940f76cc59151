import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { ItemCirculationState, ItemStatus, ItemType } from '@app/contracts';
import { EntityManager, Repository } from 'typeorm';
import { BibRecordEntity } from '../entities/bib-record.entity';
import { ItemEntity } from '../entities/item.entity';
import type { CollapsedItemStatusChange } from '../services/item-status-changes';
import { likeEscape } from './record.repository';

export interface ItemSearch {
  agency?: string;
  barcode?: string;
  recordId?: string;
  title?: string;
  isbn?: string;
  branch?: string;
  includeSuppressed?: boolean;
  limit: number;
  offset: number;
}

/** Every column of the item and of its record (prefixed `r_`), as `pg` returns them. */
interface ItemWithRecordRow {
  id: string;
  agency: string;
  barcode: string;
  record_id: string;
  item_type: string;
  home_branch: string;
  current_location: string;
  shelf_location: string | null;
  status: string;
  loanable: boolean;
  price_fen: number | null;
  suppressed: boolean;
  status_changed_at: Date;
  version: number;
  created_at: Date;
  updated_at: Date;
  r_id: string | null;
  r_title: string;
  r_author: string | null;
  r_isbn: string | null;
  r_publisher: string | null;
  r_year: number | null;
  r_clc_call_number: string | null;
  r_suppressed: boolean;
  r_created_at: Date;
  r_updated_at: Date;
}

const ITEM_BY_REF_SQL = `SELECT i.id, i.agency, i.barcode, i.record_id, i.item_type, i.home_branch, i.current_location,
    i.shelf_location, i.status, i.loanable, i.price_fen, i.suppressed, i.status_changed_at, i.version, i.created_at, i.updated_at,
    r.id AS r_id, r.title AS r_title, r.author AS r_author, r.isbn AS r_isbn, r.publisher AS r_publisher,
    r.year AS r_year, r.clc_call_number AS r_clc_call_number, r.suppressed AS r_suppressed, r.created_at AS r_created_at, r.updated_at AS r_updated_at
  FROM items i LEFT JOIN records r ON r.id = i.record_id
  WHERE i.agency = $1 AND i.barcode = $2`;

/** What circulation needs of an item (loans' projection), with the row's version. */
const CIRCULATION_SELECT = `SELECT i.id, i.agency, i.barcode, i.record_id, r.title, i.item_type, i.home_branch, i.status,
    i.loanable, i.version
  FROM items i JOIN records r ON r.id = i.record_id`;

interface CirculationRow {
  id: string;
  agency: string;
  barcode: string;
  record_id: string;
  title: string;
  item_type: string;
  home_branch: string;
  status: string;
  loanable: boolean;
  version: number;
}

const toCirculationState = (r: CirculationRow): ItemCirculationState => ({
  itemId: r.id,
  agency: r.agency,
  barcode: r.barcode,
  recordId: r.record_id,
  title: r.title,
  itemType: r.item_type as ItemType,
  homeBranch: r.home_branch,
  status: r.status as ItemStatus,
  loanable: r.loanable,
  version: r.version,
});

/** The same entities TypeORM hydrated: `record` left unset when the join found nothing. */
function toItemEntity(row: ItemWithRecordRow): ItemEntity {
  const item = Object.assign(new ItemEntity(), {
    id: row.id,
    agency: row.agency,
    barcode: row.barcode,
    recordId: row.record_id,
    itemType: row.item_type,
    homeBranch: row.home_branch,
    currentLocation: row.current_location,
    shelfLocation: row.shelf_location,
    status: row.status,
    loanable: row.loanable,
    priceFen: row.price_fen,
    suppressed: row.suppressed,
    statusChangedAt: row.status_changed_at,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
  if (row.r_id !== null) {
    item.record = Object.assign(new BibRecordEntity(), {
      id: row.r_id,
      title: row.r_title,
      author: row.r_author,
      isbn: row.r_isbn,
      publisher: row.r_publisher,
      year: row.r_year,
      clcCallNumber: row.r_clc_call_number,
      suppressed: row.r_suppressed,
      createdAt: row.r_created_at,
      updatedAt: row.r_updated_at,
    });
  }
  return item;
}

@Injectable()
export class ItemRepository {
  constructor(@InjectRepository(ItemEntity) private readonly items: Repository<ItemEntity>) {}

  async insert(manager: EntityManager, data: Partial<ItemEntity>): Promise<ItemEntity> {
    const repo = manager.getRepository(ItemEntity);
    return repo.save(repo.create(data));
  }

  /**
   * The item with its record, in one hand-written statement (the hot look-up of checkout, checkin and
   * item information). TypeORM's `findOne` with a relation rebuilt its SQL on every call and, because
   * of its implicit `take: 1`, ran two queries (a DISTINCT id query, then the join).
   */
  async findByRef(agency: string, barcode: string, manager?: EntityManager): Promise<ItemEntity | null> {
    const rows = (await (manager ?? this.items.manager).query(ITEM_BY_REF_SQL, [
      agency,
      barcode,
    ])) as ItemWithRecordRow[];
    return rows.length > 0 ? toItemEntity(rows[0]) : null;
  }

  /** The item's circulation state (loans' projection asks for it), or null for an unknown item. */
  async findCirculationState(
    agency: string,
    barcode: string,
    manager?: EntityManager,
  ): Promise<ItemCirculationState | null> {
    const rows = (await (manager ?? this.items.manager).query(
      `${CIRCULATION_SELECT} WHERE i.agency = $1 AND i.barcode = $2`,
      [agency, barcode],
    )) as CirculationRow[];
    return rows.length > 0 ? toCirculationState(rows[0]) : null;
  }

  /** A page of every item's circulation state in id order, after the item id `after` (keyset: no OFFSET scans). */
  async circulationPage(after: string | null, limit: number): Promise<ItemCirculationState[]> {
    const rows = (await this.items.query(
      `${CIRCULATION_SELECT} WHERE ($1::uuid IS NULL OR i.id > $1::uuid) ORDER BY i.id LIMIT $2`,
      [after, limit],
    )) as CirculationRow[];
    return rows.map(toCirculationState);
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
  async applyStatusIfNewer(
    agency: string,
    barcode: string,
    status: string,
    at: Date,
    location?: string,
  ): Promise<boolean> {
    // hand-written (one per loan event): the same statement TypeORM's update builder produced, incl.
    // `updated_at`; a missing location keeps the current one
    const [, affected] = (await this.items.query(
      `UPDATE items SET status = $3, status_changed_at = $4, current_location = COALESCE($5, current_location), updated_at = CURRENT_TIMESTAMP,
         version = version + 1
       WHERE agency = $1 AND barcode = $2 AND status_changed_at <= $4`,
      [agency, barcode, status, at, location || null],
    )) as [unknown[], number]; // UPDATE yields [rows, rowCount]
    return affected > 0;
  }

  /**
   * `applyStatusIfNewer` for many items in one statement (one round trip and one commit for a batch of
   * events): `changes` hold at most one entry per item (`collapseStatusChanges`). The same rule per item
   * (not older than `status_changed_at`) and the same columns, incl. `updated_at`; the location only when
   * the change that carried it is not older than the recorded one either. Unknown items are skipped.
   * Returns how many items changed.
   */
  async applyStatusesIfNewer(changes: readonly CollapsedItemStatusChange[]): Promise<number> {
    if (changes.length === 0) return 0;
    const [, affected] = (await this.items.query(
      `UPDATE items i SET status = v.status, status_changed_at = v.at,
         current_location = CASE WHEN v.location_at IS NOT NULL AND i.status_changed_at <= v.location_at THEN v.location ELSE i.current_location END,
         updated_at = CURRENT_TIMESTAMP, version = i.version + 1
       FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::timestamptz[]) AS v(agency, barcode, status, at, location, location_at)
       WHERE i.agency = v.agency AND i.barcode = v.barcode AND i.status_changed_at <= v.at`,
      [
        changes.map((c) => c.agency),
        changes.map((c) => c.barcode),
        changes.map((c) => c.status),
        changes.map((c) => c.at.toISOString()),
        changes.map((c) => c.location),
        changes.map((c) => c.locationAt?.toISOString() ?? null),
      ],
    )) as [unknown[], number];
    return affected;
  }

  async search(s: ItemSearch): Promise<[ItemEntity[], number]> {
    const qb = this.items.createQueryBuilder('i').innerJoinAndSelect('i.record', 'r');
    if (s.agency) qb.andWhere('i.agency = :agency', { agency: s.agency });
    if (s.barcode) qb.andWhere('i.barcode = :barcode', { barcode: s.barcode });
    // readers never see suppressed copies; a barcode search is a staff lookup of one copy and finds them
    else if (!s.includeSuppressed) qb.andWhere('NOT i.suppressed');
    if (s.recordId) qb.andWhere('i.record_id = :recordId', { recordId: s.recordId });
    if (s.branch) qb.andWhere('(i.current_location = :branch OR i.home_branch = :branch)', { branch: s.branch });
    if (s.isbn) qb.andWhere('r.isbn = :isbn', { isbn: s.isbn });
    if (s.title) qb.andWhere(`r.title ILIKE :title ESCAPE '\\'`, { title: `%${likeEscape(s.title)}%` });
    return qb.orderBy('i.agency', 'ASC').addOrderBy('i.barcode', 'ASC').take(s.limit).skip(s.offset).getManyAndCount();
  }
}
