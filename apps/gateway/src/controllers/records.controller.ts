import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreateRecordDto, Page, RecordRefDto, RecordView, SearchRecordsDto } from '@app/contracts';
import { ErrorResponseDto, UpdateRecordBodyDto } from '../dto';
import { ApiKeyAuth } from '../auth/auth.decorators';
import { CatalogApiService } from '../services/catalog-api.service';

@ApiTags('records')
@ApiKeyAuth()
@Controller('api/records')
export class RecordsController {
  constructor(private readonly catalog: CatalogApiService) {}

  @Post()
  @ApiOperation({ summary: 'Create a bibliographic record' })
  @ApiCreatedResponse({ description: 'RecordView' })
  create(@Body() dto: CreateRecordDto): Promise<RecordView> {
    return this.catalog.createRecord(dto);
  }

  @Get()
  @ApiOperation({ summary: 'Search records by title, ISBN or author' })
  @ApiOkResponse({ description: 'Page<RecordView>' })
  search(@Query() query: SearchRecordsDto): Promise<Page<RecordView>> {
    return this.catalog.searchRecords(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a record' })
  @ApiOkResponse({ description: 'RecordView' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  get(@Param() p: RecordRefDto): Promise<RecordView> {
    return this.catalog.getRecord(p.id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change some fields of a record (null clears an optional field)' })
  @ApiOkResponse({ description: 'RecordView' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  patch(@Param() p: RecordRefDto, @Body() body: UpdateRecordBodyDto): Promise<RecordView> {
    return this.catalog.patchRecord(p.id, body);
  }
}
