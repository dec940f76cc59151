import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreateItemDto, ItemRefDto, ItemView, Page, SearchItemsDto } from '@app/contracts';
import { ErrorResponseDto, UpdateItemBodyDto } from '../dto';
import { ApiKeyAuth } from '../auth/auth.decorators';
import { CatalogApiService } from '../services/catalog-api.service';

@ApiTags('items')
@ApiKeyAuth()
@Controller('api/items')
export class ItemsController {
  constructor(private readonly catalog: CatalogApiService) {}

  @Post()
  @ApiOperation({ summary: 'Create an item (physical copy) of a record' })
  @ApiCreatedResponse({ description: 'ItemView' })
  create(@Body() dto: CreateItemDto): Promise<ItemView> {
    return this.catalog.createItem(dto);
  }

  @Get()
  @ApiOperation({ summary: 'Search items by title, ISBN, agency, barcode or branch' })
  @ApiOkResponse({ description: 'Page<ItemView>' })
  search(@Query() query: SearchItemsDto): Promise<Page<ItemView>> {
    return this.catalog.searchItems(query);
  }

  @Get(':agency/:barcode')
  @ApiOperation({ summary: 'Get an item by owning agency ISIL and barcode' })
  @ApiOkResponse({ description: 'ItemView' })
  @ApiNotFoundResponse({ description: 'ITEM_UNKNOWN', type: ErrorResponseDto })
  get(@Param() ref: ItemRefDto): Promise<ItemView> {
    return this.catalog.getItem(ref);
  }

  @Patch(':agency/:barcode')
  @ApiOperation({ summary: 'Change some fields of an item' })
  @ApiOkResponse({ description: 'ItemView' })
  @ApiNotFoundResponse({ description: 'ITEM_UNKNOWN', type: ErrorResponseDto })
  patch(@Param() ref: ItemRefDto, @Body() body: UpdateItemBodyDto): Promise<ItemView> {
    return this.catalog.updateItem(ref, body);
  }
}
