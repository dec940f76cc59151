import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { PatronEntity } from '../entities/patron.entity';

export interface PatronSearch {
  agency?: string;
  /** name contains, or barcode starts with */
  q?: string;
  limit: number;
  offset: number;
}

/** Escape LIKE wildcards typed by a user so `50%` searches for "50%". */
export const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

@Injectable()
export class PatronRepository {
  constructor(@InjectRepository(PatronEntity) private readonly patrons: Repository<PatronEntity>) {}

  /**
   * Insert unless (agency, barcode) is taken; null when it is. ON CONFLICT instead of catching the
   * unique violation: a failed query is logged by TypeORM with its parameters, which include the PIN hash.
   */
  async insertIfAbsent(manager: EntityManager, data: Partial<PatronEntity>): Promise<PatronEntity | null> {
    const repo = manager.getRepository(PatronEntity);
    const result = await repo.createQueryBuilder().insert().into(PatronEntity).values(data).orIgnore().returning(['id']).execute();
    const id = (result.raw as { id: string }[])[0]?.id;
    // re-read so defaults and the `date` column come back exactly as stored
    return id ? repo.findOneByOrFail({ id }) : null;
  }

  findByRef(agency: string, barcode: string, manager?: EntityManager): Promise<PatronEntity | null> {
    const repo = manager ? manager.getRepository(PatronEntity) : this.patrons;
    return repo.findOneBy({ agency, barcode });
  }

  /** Lock the row for an update in the caller's transaction. */
  lockByRef(manager: EntityManager, agency: string, barcode: string): Promise<PatronEntity | null> {
    return manager
      .getRepository(PatronEntity)
      .createQueryBuilder('p')
      .setLock('pessimistic_write')
      .where('p.agency = :agency AND p.barcode = :barcode', { agency, barcode })
      .getOne();
  }

  async update(manager: EntityManager, id: string, changes: Partial<PatronEntity>): Promise<PatronEntity> {
    const repo = manager.getRepository(PatronEntity);
    await repo.update({ id }, changes);
    return repo.findOneByOrFail({ id });
  }

  async search(s: PatronSearch): Promise<[PatronEntity[], number]> {
    const qb = this.patrons.createQueryBuilder('p');
    if (s.agency) qb.andWhere('p.agency = :agency', { agency: s.agency });
    const q = s.q?.trim();
    if (q) {
      qb.andWhere(`(p.name ILIKE :contains ESCAPE '\\' OR p.barcode LIKE :prefix ESCAPE '\\')`, {
        contains: `%${likeEscape(q)}%`,
        prefix: `${likeEscape(q)}%`,
      });
    }
    return qb.orderBy('p.name', 'ASC').addOrderBy('p.agency', 'ASC').addOrderBy('p.barcode', 'ASC').take(s.limit).skip(s.offset).getManyAndCount();
  }

  /**
   * Claim one PIN attempt, atomically across replicas: opens a new window if the last one has passed,
   * otherwise counts the attempt, unless the window is already full. Claiming *before* the scrypt check
   * means parallel guesses cannot overshoot the limit. Returns the attempts in the window including
   * this one, or null when throttled.
   */
  async claimPinAttempt(id: string, maxFailures: number, windowSeconds: number): Promise<number | null> {
    // every condition reads the row's own columns (no sub-select), so when two replicas race, the
    // second UPDATE re-evaluates them on the first one's committed version
    const inWindow = `COALESCE(pin_failed_window_start > now() - $3 * interval '1 second', false)`;
    const [rows] = (await this.patrons.query(
      `UPDATE patrons SET
         pin_failed_count = CASE WHEN ${inWindow} THEN pin_failed_count + 1 ELSE 1 END,
         pin_failed_window_start = CASE WHEN ${inWindow} THEN pin_failed_window_start ELSE now() END
       WHERE id = $1 AND NOT (${inWindow} AND pin_failed_count >= $2)
       RETURNING pin_failed_count`,
      [id, maxFailures, windowSeconds],
    )) as [{ pin_failed_count: number }[], number]; // UPDATE ... RETURNING yields [rows, rowCount]
    return rows.length > 0 ? rows[0].pin_failed_count : null;
  }

  /** A correct PIN clears the wrong-PIN window. */
  async resetPinFailures(id: string): Promise<void> {
    await this.patrons.query(`UPDATE patrons SET pin_failed_count = 0, pin_failed_window_start = NULL WHERE id = $1 AND pin_failed_count > 0`, [id]);
  }
}
