import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { CreateRecordDto, ErrorCode, Page, RecordView, SearchRecordsDto, UpdateRecordDto } from '@app/contracts';
import { BibRecordEntity } from '../entities/bib-record.entity';
import { RecordRepository } from '../repositories/record.repository';
import { toRecordView } from './catalog.mapper';

@Injectable()
export class RecordService {
  constructor(private readonly records: RecordRepository) {}

  async create(dto: CreateRecordDto): Promise<RecordView> {
    return toRecordView(await this.records.create(nullify(dto)));
  }

  async update(dto: UpdateRecordDto): Promise<RecordView> {
    const { id, ...rest } = dto;
    const updated = await this.records.update(id, nullify(rest));
    if (!updated) throw new DomainError(ErrorCode.NotFound, `record ${id} not found`);
    return toRecordView(updated);
  }

  async get(id: string): Promise<RecordView> {
    const r = await this.records.findById(id);
    if (!r) throw new DomainError(ErrorCode.NotFound, `record ${id} not found`);
    return toRecordView(r);
  }

  async search(dto: SearchRecordsDto): Promise<Page<RecordView>> {
    const limit = dto.limit ?? 20;
    const offset = dto.offset ?? 0;
    const [rows, total] = await this.records.search({ ...dto, limit, offset });
    return { items: rows.map(toRecordView), total, limit, offset };
  }
}

/** Optional fields left out of a create/update become NULL rather than keeping stale values. */
function nullify(dto: CreateRecordDto): Partial<BibRecordEntity> {
  return {
    title: dto.title,
    author: dto.author ?? null,
    isbn: dto.isbn ?? null,
    publisher: dto.publisher ?? null,
    year: dto.year ?? null,
    clcCallNumber: dto.clcCallNumber ?? null,
    suppressed: dto.suppressed ?? false,
  };
}
