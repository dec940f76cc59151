import { Injectable } from '@nestjs/common';
import { NatsRpcClient } from '@app/common';
import {
  AgencyView,
  BranchView,
  CatalogCreateItem,
  CatalogCreateRecord,
  CatalogGetItem,
  CatalogGetRecord,
  CatalogListAgencies,
  CatalogSearchItems,
  CatalogSearchRecords,
  CatalogUpdateItem,
  CatalogUpdateRecord,
  CatalogUpsertAgency,
  CatalogUpsertBranch,
  CreateItemDto,
  CreateRecordDto,
  ItemRefDto,
  ItemView,
  Page,
  RecordView,
  SearchItemsDto,
  SearchRecordsDto,
  UpdateRecordDto,
} from '@app/contracts';
import { UpdateItemBodyDto, UpdateRecordBodyDto, UpsertAgencyBodyDto, UpsertBranchBodyDto } from '../dto';

/** Agencies, branches, records and items: forwarded to the catalog service over NATS. */
@Injectable()
export class CatalogApiService {
  constructor(private readonly rpc: NatsRpcClient) {}

  listAgencies(): Promise<AgencyView[]> {
    return this.rpc.call(CatalogListAgencies, {});
  }

  upsertAgency(isil: string, body: UpsertAgencyBodyDto): Promise<AgencyView> {
    return this.rpc.call(CatalogUpsertAgency, { ...body, isil });
  }

  upsertBranch(code: string, body: UpsertBranchBodyDto): Promise<BranchView> {
    return this.rpc.call(CatalogUpsertBranch, { ...body, code });
  }

  createRecord(dto: CreateRecordDto): Promise<RecordView> {
    return this.rpc.call(CatalogCreateRecord, dto);
  }

  getRecord(id: string): Promise<RecordView> {
    return this.rpc.call(CatalogGetRecord, { id });
  }

  /**
   * The catalog's update replaces every field (absent = NULL), while HTTP PATCH changes only what is
   * sent, so the current record is read and merged first. Two concurrent PATCHes of one record may
   * race (last write wins), which is acceptable for bibliographic edits.
   */
  async patchRecord(id: string, body: UpdateRecordBodyDto): Promise<RecordView> {
    const current = await this.getRecord(id);
    const { id: _id, createdAt: _c, updatedAt: _u, ...fields } = current;
    const merged = { ...fields, ...withoutUndefined(body), id };
    return this.rpc.call(CatalogUpdateRecord, dropNulls(merged) as UpdateRecordDto);
  }

  searchRecords(query: SearchRecordsDto): Promise<Page<RecordView>> {
    return this.rpc.call(CatalogSearchRecords, query);
  }

  createItem(dto: CreateItemDto): Promise<ItemView> {
    return this.rpc.call(CatalogCreateItem, dto);
  }

  getItem(ref: ItemRefDto): Promise<ItemView> {
    return this.rpc.call(CatalogGetItem, { agency: ref.agency, barcode: ref.barcode });
  }

  updateItem(ref: ItemRefDto, body: UpdateItemBodyDto): Promise<ItemView> {
    return this.rpc.call(CatalogUpdateItem, { ...body, agency: ref.agency, barcode: ref.barcode });
  }

  searchItems(query: SearchItemsDto): Promise<Page<ItemView>> {
    return this.rpc.call(CatalogSearchItems, query);
  }
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The catalog treats an absent optional field as NULL; sending null explicitly would fail its validators. */
function dropNulls<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}
