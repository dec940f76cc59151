import { Injectable } from '@nestjs/common';
import { DomainError, OutboxService, SecretHasher, VerifiedSecretCache } from '@app/common';
import {
  CreatePatronDto,
  ErrorCode,
  Page,
  PatronBlocked,
  PatronBlockKind,
  PatronBlockKinds,
  PatronCreated,
  PatronRefDto,
  PatronUpdated,
  PatronView,
  SearchPatronsDto,
  SetPatronBlockDto,
  UpdatePatronDto,
} from '@app/contracts';
import { DataSource } from 'typeorm';
import { PatronEntity } from '../entities/patron.entity';
import { PatronRepository } from '../repositories/patron.repository';
import { LibraryClock } from '@app/time';
import { toPatronEventData, toPatronView } from './patron.mapper';

/** Keeps block kinds in a stable order so equal sets compare (and display) the same. */
const sortBlocks = (blocks: Iterable<string>): PatronBlockKind[] =>
  PatronBlockKinds.filter((k) => new Set(blocks).has(k));

@Injectable()
export class PatronService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly patrons: PatronRepository,
    private readonly hasher: SecretHasher,
    private readonly pinCache: VerifiedSecretCache,
    private readonly clock: LibraryClock,
    private readonly outbox: OutboxService,
  ) {}

  async create(dto: CreatePatronDto): Promise<PatronView> {
    // hash outside the transaction: ~40 ms of scrypt should not hold a pooled connection
    const pinHash = await this.hasher.hash(dto.pin);
    const now = new Date();
    const blocks = sortBlocks(dto.blocks ?? []);
    const patron = await this.dataSource.transaction(async (m) => {
      const created = await this.patrons.insertIfAbsent(m, {
        agency: dto.agency,
        barcode: dto.barcode,
        name: dto.name,
        patronType: dto.patronType,
        homeBranch: dto.homeBranch,
        cardExpiresOn: dto.cardExpiresOn,
        status: 'active',
        blocks,
        blockDetails: Object.fromEntries(
          blocks.map((b) => [b, { reason: null, actor: null, since: now.toISOString() }]),
        ),
        pinHash,
        pinChangedAt: now,
        email: dto.email ?? null,
        phone: dto.phone ?? null,
      });
      if (!created) {
        throw new DomainError(ErrorCode.Conflict, `patron ${dto.agency}/${dto.barcode} already exists`, {
          agency: dto.agency,
          barcode: dto.barcode,
        });
      }
      await this.outbox.add(m, PatronCreated, toPatronEventData(created));
      return created;
    });
    this.outbox.notifyCommitted();
    return toPatronView(patron, this.clock.today());
  }

  /** Partial update: fields left out keep their value. A new PIN is re-hashed and clears the wrong-PIN window. */
  async update(dto: UpdatePatronDto): Promise<PatronView> {
    const { agency, barcode, pin, ...fields } = dto;
    const pinHash = pin !== undefined ? await this.hasher.hash(pin) : undefined;
    const changes: Partial<PatronEntity> = Object.fromEntries(
      Object.entries(fields).filter(([, v]) => v !== undefined),
    );
    if (pinHash)
      Object.assign(changes, { pinHash, pinChangedAt: new Date(), pinFailedCount: 0, pinFailedWindowStart: null });
    const patron = await this.dataSource.transaction(async (m) => {
      const current = await this.patrons.lockByRef(m, agency, barcode);
      if (!current) throw this.unknown({ agency, barcode });
      const updated = Object.keys(changes).length > 0 ? await this.patrons.update(m, current.id, changes) : current;
      await this.outbox.add(m, PatronUpdated, toPatronEventData(updated, pinHash !== undefined));
      return updated;
    });
    this.outbox.notifyCommitted();
    // other replicas drop theirs by themselves: the cached MAC covers the old PIN hash
    if (pinHash) this.pinCache.invalidate(patron.id);
    return toPatronView(patron, this.clock.today());
  }

  async get(ref: PatronRefDto): Promise<PatronView> {
    const patron = await this.patrons.findByRef(ref.agency, ref.barcode);
    if (!patron) throw this.unknown(ref);
    return toPatronView(patron, this.clock.today());
  }

  async search(dto: SearchPatronsDto): Promise<Page<PatronView>> {
    const limit = dto.limit ?? 20;
    const offset = dto.offset ?? 0;
    const [rows, total] = await this.patrons.search({ agency: dto.agency, q: dto.q, limit, offset });
    const today = this.clock.today();
    return { items: rows.map((p) => toPatronView(p, today)), total, limit, offset };
  }

  /**
   * Set or lift one block kind. Emits `patronBlocked` (with `active`) whenever the row changes; setting
   * a block that is already set with the same reason, or lifting one that is not set, changes nothing.
   */
  async setBlock(dto: SetPatronBlockDto): Promise<PatronView> {
    let changed = false;
    const patron = await this.dataSource.transaction(async (m) => {
      const current = await this.patrons.lockByRef(m, dto.agency, dto.barcode);
      if (!current) throw this.unknown(dto);
      const has = current.blocks.includes(dto.block);
      const reason = dto.reason ?? null;
      const actor = dto.actor ?? null;
      const details = { ...current.blockDetails };
      if (dto.active) {
        if (has && (details[dto.block]?.reason ?? null) === reason) return current;
        details[dto.block] = {
          reason,
          actor,
          since: has ? (details[dto.block]?.since ?? new Date().toISOString()) : new Date().toISOString(),
        };
      } else {
        if (!has) return current;
        delete details[dto.block];
      }
      const blocks = sortBlocks(
        dto.active ? [...current.blocks, dto.block] : current.blocks.filter((b) => b !== dto.block),
      );
      const updated = await this.patrons.update(m, current.id, { blocks, blockDetails: details });
      await this.outbox.add(m, PatronBlocked, {
        patronId: updated.id,
        agency: updated.agency,
        barcode: updated.barcode,
        block: dto.block,
        active: dto.active,
        reason,
        actor,
        blocks,
      });
      changed = true;
      return updated;
    });
    if (changed) this.outbox.notifyCommitted();
    return toPatronView(patron, this.clock.today());
  }

  private unknown(ref: { agency: string; barcode: string }): DomainError {
    return new DomainError(ErrorCode.PatronUnknown, `patron ${ref.agency}/${ref.barcode} not found`, {
      agency: ref.agency,
      barcode: ref.barcode,
    });
  }
}
