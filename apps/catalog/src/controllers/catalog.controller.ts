import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Handles } from '@app/common';
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
  CatalogGetItemCirculation,
  CatalogItemCirculationPage,
  ItemCirculationPage,
  ItemCirculationPageDto,
  ItemCirculationState,
  CatalogUpdateRecord,
  CatalogUpsertAgency,
  CatalogUpsertBranch,
  CreateItemDto,
  CreateRecordDto,
  ItemRefDto,
  ItemView,
  Page,
  RecordRefDto,
  RecordView,
  SearchItemsDto,
  SearchRecordsDto,
  UpdateItemDto,
  UpdateRecordDto,
  UpsertAgencyDto,
  UpsertBranchDto,
} from '@app/contracts';
import { ItemService } from '../services/item.service';
import { LocationService } from '../services/location.service';
import { RecordService } from '../services/record.service';

@Controller()
export class CatalogController {
  constructor(
    private readonly locations: LocationService,
    private readonly records: RecordService,
    private readonly items: ItemService,
  ) {}

  @Handles(CatalogUpsertAgency)
  upsertAgency(@Payload() dto: UpsertAgencyDto): Promise<AgencyView> {
    return this.locations.upsertAgency(dto);
  }

  @Handles(CatalogUpsertBranch)
  upsertBranch(@Payload() dto: UpsertBranchDto): Promise<BranchView> {
    return this.locations.upsertBranch(dto);
  }

  @Handles(CatalogListAgencies)
  listAgencies(): Promise<AgencyView[]> {
    return this.locations.listAgencies();
  }

  @Handles(CatalogCreateRecord)
  createRecord(@Payload() dto: CreateRecordDto): Promise<RecordView> {
    return this.records.create(dto);
  }

  @Handles(CatalogUpdateRecord)
  updateRecord(@Payload() dto: UpdateRecordDto): Promise<RecordView> {
    return this.records.update(dto);
  }

  @Handles(CatalogGetRecord)
  getRecord(@Payload() dto: RecordRefDto): Promise<RecordView> {
    return this.records.get(dto.id);
  }

  @Handles(CatalogSearchRecords)
  searchRecords(@Payload() dto: SearchRecordsDto): Promise<Page<RecordView>> {
    return this.records.search(dto);
  }

  @Handles(CatalogCreateItem)
  createItem(@Payload() dto: CreateItemDto): Promise<ItemView> {
    return this.items.create(dto);
  }

  @Handles(CatalogUpdateItem)
  updateItem(@Payload() dto: UpdateItemDto): Promise<ItemView> {
    return this.items.update(dto);
  }

  @Handles(CatalogGetItem)
  getItem(@Payload() dto: ItemRefDto): Promise<ItemView> {
    return this.items.get(dto);
  }

  @Handles(CatalogGetItemCirculation)
  getItemCirculation(@Payload() dto: ItemRefDto): Promise<ItemCirculationState> {
    return this.items.circulationState(dto);
  }

  @Handles(CatalogItemCirculationPage)
  itemCirculationPage(@Payload() dto: ItemCirculationPageDto): Promise<ItemCirculationPage> {
    return this.items.circulationPage(dto);
  }

  @Handles(CatalogSearchItems)
  searchItems(@Payload() dto: SearchItemsDto): Promise<Page<ItemView>> {
    return this.items.search(dto);
  }
}
