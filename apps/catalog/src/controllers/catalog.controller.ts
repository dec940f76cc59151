import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AgencyView,
  BranchView,
  CatalogSubjects,
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

  @MessagePattern(CatalogSubjects.upsertAgency)
  upsertAgency(@Payload() dto: UpsertAgencyDto): Promise<AgencyView> {
    return this.locations.upsertAgency(dto);
  }

  @MessagePattern(CatalogSubjects.upsertBranch)
  upsertBranch(@Payload() dto: UpsertBranchDto): Promise<BranchView> {
    return this.locations.upsertBranch(dto);
  }

  @MessagePattern(CatalogSubjects.listAgencies)
  listAgencies(): Promise<AgencyView[]> {
    return this.locations.listAgencies();
  }

  @MessagePattern(CatalogSubjects.createRecord)
  createRecord(@Payload() dto: CreateRecordDto): Promise<RecordView> {
    return this.records.create(dto);
  }

  @MessagePattern(CatalogSubjects.updateRecord)
  updateRecord(@Payload() dto: UpdateRecordDto): Promise<RecordView> {
    return this.records.update(dto);
  }

  @MessagePattern(CatalogSubjects.getRecord)
  getRecord(@Payload() dto: RecordRefDto): Promise<RecordView> {
    return this.records.get(dto.id);
  }

  @MessagePattern(CatalogSubjects.searchRecords)
  searchRecords(@Payload() dto: SearchRecordsDto): Promise<Page<RecordView>> {
    return this.records.search(dto);
  }

  @MessagePattern(CatalogSubjects.createItem)
  createItem(@Payload() dto: CreateItemDto): Promise<ItemView> {
    return this.items.create(dto);
  }

  @MessagePattern(CatalogSubjects.updateItem)
  updateItem(@Payload() dto: UpdateItemDto): Promise<ItemView> {
    return this.items.update(dto);
  }

  @MessagePattern(CatalogSubjects.getItem)
  getItem(@Payload() dto: ItemRefDto): Promise<ItemView> {
    return this.items.get(dto);
  }

  @MessagePattern(CatalogSubjects.searchItems)
  searchItems(@Payload() dto: SearchItemsDto): Promise<Page<ItemView>> {
    return this.items.search(dto);
  }
}
