import { as, event, NoPayload, rpc } from '../contract';
import type { Page } from '../common/page.dto';
import type { ItemEventData } from '../events/event-envelope';
import {
  CreateItemDto,
  CreateRecordDto,
  ItemCirculationPageDto,
  ItemRefDto,
  RecordRefDto,
  SearchItemsDto,
  SearchRecordsDto,
  UpdateItemDto,
  UpdateRecordDto,
  UpsertAgencyDto,
  UpsertBranchDto,
} from '../catalog/catalog.dto';
import type {
  AgencyView,
  BranchView,
  ItemCirculationPage,
  ItemCirculationState,
  ItemView,
  RecordView,
} from '../catalog/catalog.dto';

/** catalog service: agencies (ISIL), branches, bibliographic records, items by (agency, barcode). */
export const CatalogListAgencies = rpc('catalog.agencies.list.v1', NoPayload, as<AgencyView[]>());
export const CatalogUpsertAgency = rpc('catalog.agencies.upsert.v1', UpsertAgencyDto, as<AgencyView>());
export const CatalogUpsertBranch = rpc('catalog.branches.upsert.v1', UpsertBranchDto, as<BranchView>());

export const CatalogCreateRecord = rpc('catalog.records.create.v1', CreateRecordDto, as<RecordView>());
export const CatalogUpdateRecord = rpc('catalog.records.update.v1', UpdateRecordDto, as<RecordView>());
export const CatalogGetRecord = rpc('catalog.records.get.v1', RecordRefDto, as<RecordView>());
export const CatalogSearchRecords = rpc('catalog.records.search.v1', SearchRecordsDto, as<Page<RecordView>>());

export const CatalogCreateItem = rpc('catalog.items.create.v1', CreateItemDto, as<ItemView>());
export const CatalogUpdateItem = rpc('catalog.items.update.v1', UpdateItemDto, as<ItemView>());
export const CatalogGetItem = rpc('catalog.items.get.v1', ItemRefDto, as<ItemView>());
export const CatalogSearchItems = rpc('catalog.items.search.v1', SearchItemsDto, as<Page<ItemView>>());
/** what circulation needs of one copy, with its version (loans' projection asks when it has no row or a refusal) */
export const CatalogGetItemCirculation = rpc(
  'catalog.items.circulation.get.v1',
  ItemRefDto,
  as<ItemCirculationState>(),
);
/** every item's circulation state in pages (loans' projection backfill) */
export const CatalogItemCirculationPage = rpc(
  'catalog.items.circulation.page.v1',
  ItemCirculationPageDto,
  as<ItemCirculationPage>(),
);

export const ItemCreated = event('events.catalog.item-created.v1', as<ItemEventData>());
export const ItemUpdated = event('events.catalog.item-updated.v1', as<ItemEventData>());
